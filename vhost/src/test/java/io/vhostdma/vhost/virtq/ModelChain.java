package io.vhostdma.vhost.virtq;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reference model ({@link SplitRingModel}, {@link PackedRingModel}) accumulates while it walks one
 * chain: the accepted buffers split at region boundaries, the byte and descriptor counts, and the rules every
 * layout shares for a buffer (writable after readable, no wrap-around, the chain's byte and segment caps).
 */
abstract class ModelChain {
    /** One piece of an accepted chain: {@code len} bytes at {@code gpa}, device-writable or not. */
    record Piece(long gpa, long len, boolean writable) {
    }

    /** A predicted pop: a head or buffer id (≥ 0) or a status, and for an id the chain's pieces and counts. */
    record Pop(int rc, List<Piece> pieces, int descriptors, long readable, long writable) {
        static Pop error(int rc) {
            return new Pop(rc, List.of(), 0, 0, 0);
        }
    }

    final List<Piece> pieces = new ArrayList<>();
    int descriptors;
    /** Descriptors that carried bytes (not zero-length, not an indirect pointer). */
    int useful;
    long readable;
    long writable;

    /** The pop this walk predicts once it accepted the chain under {@code id}. */
    final Pop accepted(int id) {
        return new Pop(id, pieces, descriptors, readable, writable);
    }

    /** Accepts {@code len} bytes at {@code gpa}, or returns the status the ring must report. */
    final int buffer(long gpa, long len, boolean isWritable) {
        if (len == 0) {
            return PathStatus.OK;
        }
        if (!isWritable && writable > 0) {
            return PathStatus.ERR_WRITE_ORDER;
        }
        if (Long.compareUnsigned(gpa + len, gpa) <= 0) {
            return PathStatus.ERR_ADDRESS;
        }
        if (readable + writable + len > DescriptorChain.MAX_TOTAL_BYTES) {
            return PathStatus.ERR_LENGTH;
        }
        for (long a = gpa, end = gpa + len; Long.compareUnsigned(a, end) < 0; ) {
            int r = FuzzGuestMemory.regionOfGpa(a);
            if (r < 0) {
                return PathStatus.ERR_ADDRESS;
            }
            if (pieces.size() == DescriptorChain.MAX_SEGMENTS) {
                return PathStatus.ERR_CHAIN_TOO_LONG;
            }
            long piece = Math.min(end - a, FuzzGuestMemory.GPA[r] + FuzzGuestMemory.REGION - a);
            pieces.add(new Piece(a, piece, isWritable));
            a += piece;
        }
        if (isWritable) {
            writable += len;
        } else {
            readable += len;
        }
        return PathStatus.OK;
    }

    /** Whether {@code rc} is a budget status: nothing taken, the ring not broken. */
    static boolean isBudget(int rc) {
        return rc == PathStatus.OVER_BUDGET || rc == PathStatus.FRAME_OVER_BUDGET;
    }
}
