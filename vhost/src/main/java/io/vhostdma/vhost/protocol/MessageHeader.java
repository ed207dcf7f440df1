package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A decoded, validated request header ({@link MessageHeaderLayout}): version 1, no REPLY bit, no
 * reserved flag bits, payload at most {@link MessageHeaderLayout#MAX_PAYLOAD} bytes.
 */
public record MessageHeader(int request, int flags, int size) {
    private static final int ALLOWED_FLAGS = MessageHeaderLayout.VERSION_MASK | MessageHeaderLayout.FLAG_NEED_REPLY;

    /** Decodes and validates the 12 header bytes at {@code buf[offset..]}. */
    public static MessageHeader decode(MemorySegment buf, long offset) {
        int request = buf.get(ValueLayout.JAVA_INT_UNALIGNED, offset + MessageHeaderLayout.REQUEST);
        int flags = buf.get(ValueLayout.JAVA_INT_UNALIGNED, offset + MessageHeaderLayout.FLAGS);
        int size = buf.get(ValueLayout.JAVA_INT_UNALIGNED, offset + MessageHeaderLayout.SIZE);
        checkFlags(request, flags);
        if (size < 0 || size > MessageHeaderLayout.MAX_PAYLOAD) {
            throw new ProtocolException(ProtocolException.Kind.BAD_HEADER, request,
                    "payload too large: size=" + Integer.toUnsignedString(size) + " max=" + MessageHeaderLayout.MAX_PAYLOAD);
        }
        return new MessageHeader(request, flags, size);
    }

    /** Fails unless {@code flags} is a request's: version 1, optional NEED_REPLY, nothing else. */
    public static void checkFlags(int request, int flags) {
        if ((flags & MessageHeaderLayout.VERSION_MASK) != MessageHeaderLayout.VERSION || (flags & ~ALLOWED_FLAGS) != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_HEADER, request,
                    "bad header flags: flags=0x" + Integer.toHexString(flags));
        }
    }
}
