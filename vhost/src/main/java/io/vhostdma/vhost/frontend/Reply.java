package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.protocol.Request;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One message read from the back end: header fields, a copy of the payload, and the fds that came
 * with it (the caller owns them).
 *
 * @param request the request id the message carries
 * @param flags   the header flags (a well-formed reply has exactly {@code 0x5})
 * @param size    the header's payload size
 * @param payload the payload bytes ({@code size} of them)
 * @param fds     fds received with the header
 */
public record Reply(int request, int flags, int size, byte[] payload, int[] fds) {
    /** The payload as a little-endian u64 (GET_FEATURES, acks, ...); throws if shorter than 8 bytes. */
    public long u64() {
        return u64(0);
    }

    /** A little-endian u64 at {@code offset} of the payload. */
    public long u64(int offset) {
        requireBytes(offset + 8);
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    /** A little-endian u32 at {@code offset} of the payload. */
    public int u32(int offset) {
        requireBytes(offset + 4);
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    private void requireBytes(int n) {
        if (payload.length < n) {
            throw new FrontendException("reply payload too short: request=" + Request.name(request)
                    + " size=" + payload.length + " needed=" + n);
        }
    }

    @Override
    public String toString() {
        return "Reply[request=" + Request.name(request) + " flags=0x" + Integer.toHexString(flags)
                + " size=" + size + " fds=" + fds.length + "]";
    }
}
