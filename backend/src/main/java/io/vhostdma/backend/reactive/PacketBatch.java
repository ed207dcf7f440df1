package io.vhostdma.backend.reactive;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A batch of Ethernet frames (no virtio-net header).
 *
 * <p>A <em>received</em> batch ({@link VhostBackend#receive}) views the receiver's ring slots directly:
 * its buffers stay valid at least until the subscriber requests the next batch; the batch is released
 * when that next batch is emitted (which needs the subscriber's demand), or when the subscription ends,
 * and then its slots are reused. A subscriber with unbounded demand may therefore use a batch only
 * until its {@code onItem} returns. Every segment
 * of a received batch belongs to a per-batch shared {@link Arena} that is closed at that moment, so any
 * access afterwards throws {@link IllegalStateException} instead of reading reused bytes. Copy what must
 * outlive the batch ({@link #toArray}).
 *
 * <p>A <em>lent</em> batch ({@link VhostBackend#receiveLent}) views the guest's own TX buffers (zero copy): the
 * guest's descriptors stay held until the subscriber calls {@link #release()}, on any thread, in any order.
 * The backend invalidates it earlier when the guest's ring stops (GET_VRING_BASE), its memory table changes or
 * it disconnects: the guest memory may go away, so every access then throws {@link IllegalStateException}
 * (the views belong to a shared arena closed before the descriptors go back). For zero allocation per frame
 * read it with {@link #length}, {@link #copyTo} or {@link VhostBackend#send}; {@link #segment} makes a view.
 *
 * <p>An <em>owned</em> batch ({@link #of(byte[]...)}, {@link #of(List)}, {@link #copyOf(List)}) holds a
 * private copy of its frames on the heap, for {@link VhostBackend#send}; it never becomes invalid.
 *
 * <p>Offloads: each frame has the offload fields of a virtio-net header ({@link #offload}). By default a received
 * frame's are always {@link Offload#NONE}: vhostd completes a guest's partial checksum and segments its TSO frames
 * before a receiver sees them. A receiver that opted in ({@link ReceiveOptions#OFFLOADS}) gets such a frame as the
 * guest sent it — the checksum still partial, a TSO frame whole (up to 64 KiB) — with the guest's validated fields.
 * Read them without allocating through the primitive accessors ({@link #hasOffload}, {@link #offloadFlags},
 * {@link #gsoType}, {@link #hdrLen}, {@link #gsoSize}, {@link #csumStart}, {@link #csumOffset}): a received batch
 * keeps them in one {@code int} array per batch, filled from reused per-slot holders of the tap, never in an
 * object per frame; {@link #offload} builds an {@link Offload} record on each call for a frame that has some. An
 * owned frame may carry some ({@link #withOffload}). {@link VhostBackend#send} sends every frame with its fields,
 * received or owned: vhostd then treats it as a guest's TX frame with those fields — the receiving guest gets them
 * in its RX header if it negotiated them, else the checksum completed or the frame segmented; a malformed set is
 * the drop {@code tx_bad_offload}.
 */
public final class PacketBatch {
    private final String port;
    private final MemorySegment[] segments;
    private final Arena arena;
    private final AtomicBoolean released = new AtomicBoolean();
    /** Received batch: per queue pair, the ring position after this batch's last frame. */
    final long[] ends;
    /** Owned batch: the offload fields of each frame, or null (all {@link Offload#NONE}). */
    private Offload[] offloads;
    /** Received batch of an offload receiver: {@link #FIELDS} ints per frame (flags first), or null (none). */
    private final int[] fields;
    /** Ints per frame in {@link #fields}: flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset. */
    static final int FIELDS = 6;

    /**
     * The offload fields of one frame's virtio-net header (virtio 1.2 §5.1.6.2): {@code flags} (1 NEEDS_CSUM),
     * {@code gsoType} (0 none, 1 TCPV4, 4 TCPV6, | 0x80 ECN), {@code hdrLen}, {@code gsoSize}, {@code csumStart},
     * {@code csumOffset}.
     */
    public record Offload(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        /** No offload: a complete frame. */
        public static final Offload NONE = new Offload(0, 0, 0, 0, 0, 0);

        /** A partial checksum: the sum from {@code start} to the end goes into the field at {@code start + offset}. */
        public static Offload partialChecksum(int start, int offset) {
            return new Offload(1, 0, 0, 0, start, offset);
        }
    }
    // lent batch: frames at absolute addresses, read through the tap's lending window
    private final MemorySegment window;
    private final long[] addresses;
    private final int[] lengths;
    private final TapSource lender;
    /** Lent batch: per queue pair, the ring position of this batch's first frame. */
    final long[] starts;

    PacketBatch(String port, MemorySegment[] segments, Arena arena, long[] ends) {
        this(port, segments, arena, ends, null);
    }

    /** A received (copied) batch; {@code fields}: its frames' offload fields ({@link #FIELDS} each) or null. */
    PacketBatch(String port, MemorySegment[] segments, Arena arena, long[] ends, int[] fields) {
        this.port = port;
        this.fields = fields;
        this.segments = segments;
        this.arena = arena;
        this.ends = ends;
        this.window = null;
        this.addresses = null;
        this.lengths = null;
        this.lender = null;
        this.starts = null;
    }

    /** A lent batch of {@code lengths.length} frames at {@code addresses}, read through {@code window}. */
    PacketBatch(String port, MemorySegment window, long[] addresses, int[] lengths, TapSource lender, long[] starts,
                long[] ends, int[] fields) {
        this.port = port;
        this.fields = fields;
        this.segments = null;
        this.arena = null;
        this.window = window;
        this.addresses = addresses;
        this.lengths = lengths;
        this.lender = lender;
        this.starts = starts;
        this.ends = ends;
    }

    /** An owned batch holding copies of {@code frames}. */
    public static PacketBatch of(byte[]... frames) {
        return of(List.of(frames));
    }

    /** An owned batch holding copies of {@code frames}. */
    public static PacketBatch of(List<byte[]> frames) {
        MemorySegment[] s = new MemorySegment[frames.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = MemorySegment.ofArray(frames.get(i).clone()).asReadOnly();
        }
        return new PacketBatch(null, s, null, null);
    }

    /** An owned batch holding copies of each buffer's remaining bytes (positions are not changed). */
    public static PacketBatch copyOf(List<ByteBuffer> frames) {
        MemorySegment[] s = new MemorySegment[frames.size()];
        for (int i = 0; i < s.length; i++) {
            ByteBuffer b = frames.get(i);
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            s[i] = MemorySegment.ofArray(copy).asReadOnly();
        }
        return new PacketBatch(null, s, null, null);
    }

    /** The port the frames were received on; null for an owned batch. */
    public String port() {
        return port;
    }

    /** Number of frames. */
    public int size() {
        return window != null ? lengths.length : segments.length;
    }

    /** Length of frame {@code i} in bytes. */
    public int length(int i) {
        return window != null ? lengths[i] : (int) segments[i].byteSize();
    }

    /** Whether this batch lends the guest's buffers ({@link VhostBackend#receiveLent}); release it when done. */
    public boolean isLent() {
        return window != null;
    }

    /**
     * A read-only view of frame {@code i}. For a received batch it becomes inaccessible (access throws
     * {@link IllegalStateException}) once the batch is released.
     *
     * @throws IllegalStateException when the batch was released already
     */
    public MemorySegment segment(int i) {
        checkValid();
        return window != null ? window.asSlice(addresses[i], lengths[i]).asReadOnly() : segments[i];
    }

    /**
     * The offload fields of frame {@code i}: {@link Offload#NONE} for a frame without any (every received frame,
     * unless the receiver opted in with {@link ReceiveOptions#OFFLOADS}). For a received frame with fields this
     * allocates the record; the primitive accessors ({@link #offloadFlags} ...) do not.
     */
    public Offload offload(int i) {
        if (fields != null) {
            return hasOffload(i) ? new Offload(offloadFlags(i), gsoType(i), hdrLen(i), gsoSize(i), csumStart(i),
                    csumOffset(i)) : Offload.NONE;
        }
        return offloads == null || offloads[i] == null ? Offload.NONE : offloads[i];
    }

    /** Whether frame {@code i} has offload fields: NEEDS_CSUM or a GSO type (no allocation). */
    public boolean hasOffload(int i) {
        return offloadFlags(i) != 0 || gsoType(i) != 0;
    }

    /** Frame {@code i}'s virtio-net {@code flags} (1 NEEDS_CSUM; 0 for none). */
    public int offloadFlags(int i) {
        return field(i, 0);
    }

    /** Frame {@code i}'s {@code gso_type} (0 none, 1 TCPV4, 4 TCPV6, | 0x80 ECN). */
    public int gsoType(int i) {
        return field(i, 1);
    }

    /** Frame {@code i}'s {@code hdr_len}. */
    public int hdrLen(int i) {
        return field(i, 2);
    }

    /** Frame {@code i}'s {@code gso_size} (payload bytes per segment of a GSO frame). */
    public int gsoSize(int i) {
        return field(i, 3);
    }

    /** Frame {@code i}'s {@code csum_start}. */
    public int csumStart(int i) {
        return field(i, 4);
    }

    /** Frame {@code i}'s {@code csum_offset}. */
    public int csumOffset(int i) {
        return field(i, 5);
    }

    private int field(int i, int k) {
        if (fields != null) {
            return fields[FIELDS * i + k];
        }
        Offload o = offloads == null ? null : offloads[i];
        if (o == null) {
            return 0;
        }
        return switch (k) {
            case 0 -> o.flags();
            case 1 -> o.gsoType();
            case 2 -> o.hdrLen();
            case 3 -> o.gsoSize();
            case 4 -> o.csumStart();
            default -> o.csumOffset();
        };
    }

    /**
     * Owned batch: sends frame {@code i} with offload fields {@code o} (see the class comment); returns this batch.
     *
     * @throws IllegalStateException for a received batch
     */
    public PacketBatch withOffload(int i, Offload o) {
        if (arena != null || window != null) {
            throw new IllegalStateException("the offload fields of a received batch cannot be set: port=" + port
                    + " (copy the frame into an owned batch: PacketBatch.of(batch.toArray(i)).withOffload(0, o))");
        }
        if (offloads == null) {
            offloads = new Offload[segments.length];
        }
        offloads[i] = o;
        return this;
    }

    /** A copy of frame {@code i}; throws {@link IllegalStateException} once a received batch was released. */
    public byte[] toArray(int i) {
        checkValid();
        return window != null ? window.asSlice(addresses[i], lengths[i]).toArray(ValueLayout.JAVA_BYTE)
                : segments[i].toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Copies frame {@code i} to {@code dst} at {@code offset} without allocating.
     *
     * @throws IllegalStateException when the batch was released or invalidated
     */
    public void copyTo(int i, MemorySegment dst, long offset) {
        checkValid();
        MemorySegment.copy(source(i), sourceOffset(i), dst, offset, length(i));
    }

    /** The segment frame {@code i} is read from, at {@link #sourceOffset} (the lending window for a lent batch). */
    MemorySegment source(int i) {
        return window != null ? window : segments[i];
    }

    long sourceOffset(int i) {
        return window != null ? addresses[i] : 0;
    }

    /** Whether the buffers may still be read (always true for an owned batch). */
    public boolean isValid() {
        return !released.get() && (window == null || window.scope().isAlive());
    }

    private void checkValid() {
        if (window != null && !window.scope().isAlive()) {
            throw new IllegalStateException("packet batch invalidated: port=" + port + " (its guest's TX ring stopped,"
                    + " its memory table changed or it disconnected; the buffers went back to the guest)");
        }
        if (released.get()) {
            throw new IllegalStateException("packet batch released: port=" + port + (window != null
                    ? " (a lent batch's buffers went back to the guest at release(); copy with toArray first)"
                    : " (its slots are reused once the subscriber requests the next batch; copy with toArray first)"));
        }
    }

    /**
     * Ends the buffers' validity (idempotent, any thread). A lent batch gives the guest's descriptors back (the
     * worker returns them at its next duty cycle); a copied received batch ends early (its slots still go back
     * when the next batch is emitted); an owned batch is not affected.
     */
    public void release() {
        if (window != null) {
            if (released.compareAndSet(false, true)) {
                lender.released();
            }
        } else if (arena != null && released.compareAndSet(false, true)) {
            arena.close();
        }
    }

    /** Lent batch, by its source: marks it released without giving anything back (invalidated, or the end). */
    boolean markReleased() {
        return released.compareAndSet(false, true);
    }

    /** Lent batch: whether it was released (or invalidated). */
    boolean isReleased() {
        return released.get();
    }

    /** Lent batch: whether its window is still open (not revoked). */
    boolean windowAlive() {
        return window.scope().isAlive();
    }

    @Override
    public String toString() {
        return "PacketBatch[port=" + port + " frames=" + size() + (isValid() ? "" : " released") + "]";
    }
}
