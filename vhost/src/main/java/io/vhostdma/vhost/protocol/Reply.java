package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reply a session sends for one message: nothing ({@link #NONE}), a u64 (GET_* values and
 * REPLY_ACK acks) or a vring state (GET_VRING_BASE). Every reply carries flags exactly
 * {@link MessageHeaderLayout#REPLY_FLAGS} (0x5) and repeats the request id.
 */
public final class Reply {
    /** No reply is due. */
    public static final Reply NONE = new Reply(0, 0, 0, 0);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private final int request;
    private final int payloadSize;
    private final long value;
    private final int index;

    private Reply(int request, int payloadSize, long value, int index) {
        this.request = request;
        this.payloadSize = payloadSize;
        this.value = value;
        this.index = index;
    }

    /** A u64 reply (GET_FEATURES, GET_PROTOCOL_FEATURES, GET_QUEUE_NUM, GET_STATUS). */
    public static Reply u64(int request, long value) {
        return new Reply(request, 8, value, 0);
    }

    /** A REPLY_ACK ack: 0 for success, anything else for failure. */
    public static Reply ack(int request, long status) {
        return u64(request, status);
    }

    /** A vring state reply (GET_VRING_BASE): {@code {index, num}}. */
    public static Reply vringState(int request, int index, int num) {
        return new Reply(request, VringStateLayout.BYTES, num & 0xffffffffL, index);
    }

    /** Whether a reply is to be sent. */
    public boolean present() {
        return payloadSize > 0;
    }

    /** The request id the reply repeats. */
    public int request() {
        return request;
    }

    /** Payload bytes (8). */
    public int payloadSize() {
        return payloadSize;
    }

    /** The u64 value, or the vring state's {@code num}. */
    public long value() {
        return value;
    }

    /** Bytes of header plus payload. */
    public int wireSize() {
        return MessageHeaderLayout.BYTES + payloadSize;
    }

    /** Writes header and payload at {@code dst[offset..]} and returns the bytes written. */
    public int writeTo(MemorySegment dst, long offset) {
        dst.set(U32, offset + MessageHeaderLayout.REQUEST, request);
        dst.set(U32, offset + MessageHeaderLayout.FLAGS, MessageHeaderLayout.REPLY_FLAGS);
        dst.set(U32, offset + MessageHeaderLayout.SIZE, payloadSize);
        long p = offset + MessageHeaderLayout.BYTES;
        if (payloadSize == VringStateLayout.BYTES && request == Request.GET_VRING_BASE) {
            dst.set(U32, p + VringStateLayout.INDEX, index);
            dst.set(U32, p + VringStateLayout.NUM, (int) value);
        } else {
            dst.set(U64, p, value);
        }
        return wireSize();
    }

    @Override
    public String toString() {
        return present() ? "Reply[" + Request.name(request) + " value=0x" + Long.toHexString(value) + "]" : "Reply[none]";
    }
}
