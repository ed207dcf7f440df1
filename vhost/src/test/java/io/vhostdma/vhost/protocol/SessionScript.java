package io.vhostdma.vhost.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte format of a session fuzz input: what one front end sends on one connection, messages in
 * order, each with the fds it carries.
 *
 * <pre>
 * script  := message*
 * message := fd-count:u8  fd-kinds:u8  header:12 bytes  payload:header.size bytes
 *   fd-count  number of fds attached (taken modulo 9: 0..8, SCM_RIGHTS carries at most 8 here)
 *   fd-kinds  bit i set: fd i is a memfd, else an eventfd
 *   header    u32 request, u32 flags, u32 size, little-endian: the vhost-user header as sent
 * </pre>
 *
 * A memfd attached to SET_MEM_TABLE is as long as its region needs ({@code mmap_offset + size}
 * rounded up to a page) when that is at most {@link #MAX_MEMFD_BYTES}, else one page (the region
 * then lies beyond the end of its file); any other memfd is one page. A script that ends inside a
 * header or payload is a front end that hung up mid-message.
 */
final class SessionScript {
    static final int MAX_FDS = 8;
    static final long PAGE = 4096;
    static final long MAX_MEMFD_BYTES = 64L << 20;

    /** One message as the front end sends it: {@code size} is the header's, {@code payload} what followed it. */
    record Sent(int request, int flags, int size, byte[] payload, boolean[] memfd) {
        int fdCount() {
            return memfd.length;
        }

        /** The size a memfd attached as fd {@code i} gets (see the class comment). */
        long memfdBytes(int i) {
            return request == Request.SET_MEM_TABLE ? SessionScript.memfdBytes(payload, i, MAX_MEMFD_BYTES) : PAGE;
        }
    }

    /**
     * The length of a memfd for region {@code i} of SET_MEM_TABLE payload {@code payload}: the
     * region's {@code mmap_offset + size} rounded up to a page when that is at most {@code cap},
     * else (or when the payload has no region {@code i}) one page.
     */
    static long memfdBytes(byte[] payload, int i, long cap) {
        long at = MemoryRegionLayout.TABLE_HEADER_BYTES + (long) i * MemoryRegionLayout.BYTES;
        if (payload.length < at + MemoryRegionLayout.BYTES) {
            return PAGE;
        }
        ByteBuffer p = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        long end = p.getLong((int) (at + MemoryRegionLayout.MMAP_OFFSET)) + p.getLong((int) (at + MemoryRegionLayout.SIZE));
        if (end <= 0 || end > cap) {
            return PAGE;
        }
        return (end + PAGE - 1) / PAGE * PAGE;
    }

    private SessionScript() {
    }

    /**
     * The messages of {@code script}, in order, up to a message whose header or payload is cut off
     * (the hang-up). A header declaring a size outside 0..{@link MessageHeaderLayout#MAX_PAYLOAD} is
     * returned with an empty payload and ends the list: the decoder must refuse it before any
     * payload is read.
     */
    static List<Sent> parse(byte[] script) {
        ByteBuffer in = ByteBuffer.wrap(script).order(ByteOrder.LITTLE_ENDIAN);
        List<Sent> out = new ArrayList<>();
        while (in.remaining() >= 2 + MessageHeaderLayout.BYTES) {
            int fdCount = (in.get() & 0xff) % (MAX_FDS + 1);
            int kinds = in.get() & 0xff;
            int request = in.getInt();
            int flags = in.getInt();
            int size = in.getInt();
            boolean[] memfd = new boolean[fdCount];
            for (int i = 0; i < fdCount; i++) {
                memfd[i] = (kinds & (1 << i)) != 0;
            }
            if (size < 0 || size > MessageHeaderLayout.MAX_PAYLOAD) {
                out.add(new Sent(request, flags, size, new byte[0], memfd));
                return out;
            }
            if (in.remaining() < size) {
                return out;
            }
            byte[] payload = new byte[size];
            in.get(payload);
            out.add(new Sent(request, flags, size, payload, memfd));
        }
        return out;
    }

    /** The script bytes of {@code messages}. */
    static byte[] encode(List<Sent> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Sent m : messages) {
            int kinds = 0;
            for (int i = 0; i < m.fdCount(); i++) {
                kinds |= m.memfd()[i] ? 1 << i : 0;
            }
            ByteBuffer b = ByteBuffer.allocate(2 + MessageHeaderLayout.BYTES + m.payload().length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) m.fdCount()).put((byte) kinds).putInt(m.request()).putInt(m.flags())
                    .putInt(m.size()).put(m.payload());
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }
}
