package io.vhostdma.vhost.offload;

import java.lang.foreign.MemorySegment;

/**
 * NEEDS_CSUM done in software (virtio 1.2 §5.1.6.2.1): the sender stored the pseudo-header sum in the checksum
 * field at {@code csum_start + csum_offset}; the device sums from {@code csum_start} to the end of the frame and
 * stores the complement there. Who completes a checksum on a DMA-bound queue: the worker, on the host copy, before
 * the copy into the receiver is submitted (so the used element published after the copy covers final bytes).
 */
public final class ChecksumCompletion {
    private ChecksumCompletion() {
    }

    /**
     * Completes the checksum of the frame {@code frame[off, off + len)} in place.
     *
     * @return 0, or {@link OffloadHeader#BAD_OFFLOAD} when {@code csum_start + csum_offset + 2 > len} or the
     *         offset is odd (the field must be a 16-bit word of the summed range)
     */
    public static int complete(MemorySegment frame, long off, int len, int csumStart, int csumOffset) {
        long field = (long) csumStart + csumOffset;
        if (field + 2 > len || (csumOffset & 1) != 0) {
            return OffloadHeader.BAD_OFFLOAD;
        }
        long sum = InternetChecksum.add(0, frame, off + csumStart, len - csumStart);
        frame.set(InternetChecksum.BE16, off + field, (short) InternetChecksum.finish(sum));
        return 0;
    }
}
