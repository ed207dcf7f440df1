package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Mirrors a port's frames for {@code vhostctl capture}: copies of the frames the guest sends (its {@code txqN}) and
 * of the frames enqueued to it ({@code rxqN}), written by the data plane into one bounded
 * single-producer/single-consumer byte ring per captured queue pair, and read off the data path by one consumer
 * (the capture's gRPC stream). The producer of a queue pair's ring is the worker owning that queue pair (it owns
 * both of its rings, so one thread writes it); it never waits: a record that does not fit is not written and
 * counted in {@link #dropped()}. Memory is fixed at creation ({@link #MAX_RING_BYTES} per captured queue pair) whatever
 * the consumer does; the producer allocates nothing.
 *
 * <p>A record is {@link #RECORD} (captured length, original length, {@link System#nanoTime()}, ring index) followed
 * by the first {@link #SNAP_LENGTH} bytes of the frame at most, padded to 8 bytes. A record never wraps: when it does
 * not fit before the ring's end, the producer writes a filler (captured length {@link #FILLER}) there and the record
 * at offset 0.
 *
 * <p>Ordering: the producer writes a record, then publishes it with a release store of {@code tail}; the consumer
 * reads {@code tail} with acquire before reading records. The consumer frees records with a release store of
 * {@code head}; the producer reads it with acquire before overwriting. The drop count is the producer's, read with
 * opaque loads.
 *
 * <p>Life cycle: created by the control plane, installed with {@link PortState#installCapture}, removed with
 * {@link PortState#removeCapture}; {@link #close()} only after every worker passed a quiescent point since the
 * removal ({@link DataPlaneImpl#quiesce()}).
 */
public final class CaptureRing implements AutoCloseable {
    /** Most bytes kept of one frame (the rest is counted in the record's original length). */
    public static final int SNAP_LENGTH = 65_535;
    /** Ring memory per captured queue pair: 2 MiB, less when many are captured (16 MiB in all, 256 KiB at least). */
    static final int MAX_RING_BYTES = 2 << 20;
    static final int MIN_RING_BYTES = 256 << 10;
    static final int TOTAL_BYTES = 16 << 20;
    /** A record's header: {@code int captured; int original; long nanoTime; int ringIndex; int pad;}. */
    static final StructLayout RECORD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("captured"), ValueLayout.JAVA_INT.withName("original"),
            ValueLayout.JAVA_LONG.withName("nanoTime"), ValueLayout.JAVA_INT.withName("ringIndex"),
            MemoryLayout.paddingLayout(4));
    private static final long CAPTURED = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("captured"));
    private static final long ORIGINAL = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("original"));
    private static final long NANO_TIME = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("nanoTime"));
    private static final long RING_INDEX = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("ringIndex"));
    private static final long HEADER = RECORD.byteSize();
    /** The captured length of a filler: the rest of the ring up to its end holds no record. */
    static final int FILLER = -1;

    private final Arena arena = Arena.ofShared();
    /** By queue pair; null for a queue pair not captured. */
    private final Ring[] rings;
    /** By ring index: whether that ring's frames are mirrored. */
    private final boolean[] wanted;
    /** Bytes of each queue pair's ring (a power of two). */
    private final int ringBytes;

    /** What the consumer is handed for each record; {@code bytes} is valid only during the call. */
    public interface Visitor {
        void frame(long nanoTime, int ringIndex, int originalLength, MemorySegment bytes);
    }

    /**
     * @param wanted by ring index ({@code 2N} = rxqN, {@code 2N+1} = txqN): whether that ring's frames are mirrored
     *               (its length is twice the port's queue pairs)
     */
    public CaptureRing(boolean[] wanted) {
        this.wanted = wanted.clone();
        this.rings = new Ring[wanted.length / 2];
        int pairs = 0;
        for (int q = 0; q < rings.length; q++) {
            pairs += wanted[2 * q] || wanted[2 * q + 1] ? 1 : 0;
        }
        this.ringBytes = Math.max(MIN_RING_BYTES, Math.min(MAX_RING_BYTES,
                Integer.highestOneBit(TOTAL_BYTES / Math.max(1, pairs))));
        for (int q = 0; q < rings.length; q++) {
            if (wanted[2 * q] || wanted[2 * q + 1]) {
                rings[q] = new Ring(arena.allocate(ringBytes, 64));
            }
        }
    }

    /**
     * Producer (the owner of ring {@code ringIndex}'s queue pair): copies the frame's first bytes into the ring, or
     * counts a drop when it is full. Allocation-free; never waits.
     */
    void mirror(int ringIndex, GatherList frame, int len) {
        if (!wanted[ringIndex]) {
            return;
        }
        Ring r = rings[ringIndex >>> 1];
        int captured = Math.min(len, SNAP_LENGTH);
        long size = (HEADER + captured + 7) & ~7L;
        long t = r.tail; // only this producer writes it
        long pos = t & (ringBytes - 1);
        long skip = pos + size > ringBytes ? ringBytes - pos : 0;
        // acquire: pairs with the consumer's release of head; the bytes it freed are no longer read
        if (t + skip + size - (long) Ring.HEAD.getAcquire(r) > ringBytes) {
            Ring.DROPPED.setOpaque(r, r.dropped + 1);
            return;
        }
        MemorySegment m = r.memory;
        if (skip > 0) {
            m.set(ValueLayout.JAVA_INT, pos, FILLER);
            pos = 0;
        }
        m.set(ValueLayout.JAVA_INT, pos + CAPTURED, captured);
        m.set(ValueLayout.JAVA_INT, pos + ORIGINAL, len);
        m.set(ValueLayout.JAVA_LONG, pos + NANO_TIME, System.nanoTime());
        m.set(ValueLayout.JAVA_INT, pos + RING_INDEX, ringIndex);
        copy(frame, captured, m, pos + HEADER);
        // release: the record above is visible to the consumer once it sees the new tail
        Ring.TAIL.setRelease(r, t + skip + size);
    }

    /** Copies the first {@code n} bytes of {@code frame} to {@code dst} at {@code at}. */
    private static void copy(GatherList frame, int n, MemorySegment dst, long at) {
        int left = n;
        for (int i = 0; i < frame.count() && left > 0; i++) {
            int k = Math.min(left, frame.length(i));
            MemorySegment.copy(frame.segment(i), frame.offset(i), dst, at + n - left, k);
            left -= k;
        }
    }

    /**
     * Consumer: hands up to {@code max} records to {@code v}, queue pair by queue pair in ring order, and frees
     * them. Returns how many it handed over.
     */
    public int poll(Visitor v, int max) {
        int n = 0;
        for (Ring r : rings) {
            if (r == null) {
                continue;
            }
            long h = r.head; // only this consumer writes it
            long t = (long) Ring.TAIL.getAcquire(r); // acquire: the records before it are fully written
            while (h < t && n < max) {
                long pos = h & (ringBytes - 1);
                int captured = r.memory.get(ValueLayout.JAVA_INT, pos + CAPTURED);
                if (captured == FILLER) {
                    h += ringBytes - pos;
                    continue;
                }
                v.frame(r.memory.get(ValueLayout.JAVA_LONG, pos + NANO_TIME),
                        r.memory.get(ValueLayout.JAVA_INT, pos + RING_INDEX),
                        r.memory.get(ValueLayout.JAVA_INT, pos + ORIGINAL),
                        r.memory.asSlice(pos + HEADER, captured));
                h += (HEADER + captured + 7) & ~7L;
                n++;
            }
            // release: our reads of the freed records happen before the producer may overwrite them
            Ring.HEAD.setRelease(r, h);
        }
        return n;
    }

    /** Frames not mirrored because the ring was full (the consumer was behind). */
    public long dropped() {
        long sum = 0;
        for (Ring r : rings) {
            if (r != null) {
                sum += (long) Ring.DROPPED.getOpaque(r);
            }
        }
        return sum;
    }

    /** Frees the rings' memory; only once no worker can see the capture any more (see the class comment). */
    @Override
    public void close() {
        arena.close();
    }

    /** One queue pair's ring; head and tail on separate cache lines. */
    private static final class Ring {
        static final VarHandle HEAD;
        static final VarHandle TAIL;
        static final VarHandle DROPPED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HEAD = l.findVarHandle(Ring.class, "head", long.class);
                TAIL = l.findVarHandle(Ring.class, "tail", long.class);
                DROPPED = l.findVarHandle(Ring.class, "dropped", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final MemorySegment memory;
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;
        private long head; // written by the consumer
        @SuppressWarnings("unused")
        private long q1, q2, q3, q4, q5, q6, q7;
        private long tail; // written by the producer
        private long dropped; // written by the producer

        Ring(MemorySegment memory) {
            this.memory = memory;
        }
    }
}
