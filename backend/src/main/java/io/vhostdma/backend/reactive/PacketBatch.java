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
 * <p>An <em>owned</em> batch ({@link #of(byte[]...)}, {@link #of(List)}, {@link #copyOf(List)}) holds a
 * private copy of its frames on the heap, for {@link VhostBackend#send}; it never becomes invalid.
 */
public final class PacketBatch {
    private final String port;
    private final MemorySegment[] segments;
    private final Arena arena;
    private final AtomicBoolean released = new AtomicBoolean();
    /** Received batch: per queue pair, the ring position after this batch's last frame. */
    final long[] ends;

    PacketBatch(String port, MemorySegment[] segments, Arena arena, long[] ends) {
        this.port = port;
        this.segments = segments;
        this.arena = arena;
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
        return segments.length;
    }

    /** Length of frame {@code i} in bytes. */
    public int length(int i) {
        return (int) segments[i].byteSize();
    }

    /**
     * A read-only view of frame {@code i}. For a received batch it becomes inaccessible (access throws
     * {@link IllegalStateException}) once the batch is released.
     *
     * @throws IllegalStateException when the batch was released already
     */
    public MemorySegment segment(int i) {
        checkValid();
        return segments[i];
    }

    /** A copy of frame {@code i}; throws {@link IllegalStateException} once a received batch was released. */
    public byte[] toArray(int i) {
        checkValid();
        return segments[i].toArray(ValueLayout.JAVA_BYTE);
    }

    /** Whether the buffers may still be read (always true for an owned batch). */
    public boolean isValid() {
        return !released.get();
    }

    private void checkValid() {
        if (released.get()) {
            throw new IllegalStateException("packet batch released: port=" + port
                    + " (its slots are reused once the subscriber requests the next batch; copy with toArray first)");
        }
    }

    /** Ends the buffers' validity (idempotent, any thread): closes the batch's arena. */
    void release() {
        if (arena != null && released.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "PacketBatch[port=" + port + " frames=" + segments.length + (isValid() ? "" : " released") + "]";
    }
}
