package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.protocol.MemoryRegionLayout;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import io.vhostdma.vhost.protocol.Request;
import io.vhostdma.vhost.protocol.VringStateLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Checked vhost-user request/reply exchanges over a {@link RawChannel}: every reply must repeat
 * the request id, carry flags exactly {@code 0x5} and the expected payload size, or a
 * {@link FrontendException} with {@code name=value} context is thrown. NEED_REPLY is set on the
 * messages that ask for an ack only once REPLY_ACK was negotiated ({@link #setReplyAck}).
 */
public final class ProtocolClient {
    /** Bit 8 of a KICK/CALL/ERR payload: no fd attached. */
    public static final long VRING_NOFD = 1L << 8;
    private static final int REQUEST_FLAGS = MessageHeaderLayout.VERSION;
    private final RawChannel channel;
    private final long timeoutNanos;
    private final int[] oneFd = new int[1];
    private boolean replyAck;

    public ProtocolClient(RawChannel channel, long timeoutMillis) {
        this.channel = channel;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    public RawChannel channel() {
        return channel;
    }

    /** Whether REPLY_ACK was negotiated (NEED_REPLY is then honoured by the back end). */
    public void setReplyAck(boolean negotiated) {
        this.replyAck = negotiated;
    }

    public boolean replyAck() {
        return replyAck;
    }

    /** Sends a payload-less request that has no reply (SET_OWNER, RESET_OWNER). */
    public void sendEmpty(int request) {
        channel.sendPrepared(request, REQUEST_FLAGS, 0, 0, null, 0);
    }

    /** Sends a payload-less GET_* request and returns its u64 reply. */
    public long getU64(int request) {
        channel.sendPrepared(request, REQUEST_FLAGS, 0, 0, null, 0);
        return expectReply(request, 8).u64();
    }

    /** Sends a u64 payload; waits for the ack when {@code wantAck} and REPLY_ACK is negotiated. */
    public void sendU64(int request, long value, boolean wantAck) {
        channel.stagingPayload().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        sendAndMaybeAck(request, 8, null, 0, wantAck);
    }

    /** Sends a vring-state payload {@code {index, num}}; waits for the ack when asked and negotiated. */
    public void sendVringState(int request, int index, int num, boolean wantAck) {
        MemorySegment p = channel.stagingPayload();
        p.set(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.INDEX, index);
        p.set(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.NUM, num);
        sendAndMaybeAck(request, VringStateLayout.BYTES, null, 0, wantAck);
    }

    /** GET_VRING_BASE for {@code index}: returns the base (num) after checking the reply's index. */
    public int getVringBase(int index) {
        MemorySegment p = channel.stagingPayload();
        p.set(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.INDEX, index);
        p.set(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.NUM, 0);
        channel.sendPrepared(Request.GET_VRING_BASE, REQUEST_FLAGS, VringStateLayout.BYTES, VringStateLayout.BYTES,
                null, 0);
        Reply r = expectReply(Request.GET_VRING_BASE, VringStateLayout.BYTES);
        if (r.u32((int) VringStateLayout.INDEX) != index) {
            throw new FrontendException("GET_VRING_BASE reply for another ring: index=" + index
                    + " replyIndex=" + r.u32((int) VringStateLayout.INDEX));
        }
        return r.u32((int) VringStateLayout.NUM);
    }

    /** SET_VRING_KICK / CALL / ERR: ring index with {@code eventFd} attached, or NOFD when it is negative. */
    public void sendVringFd(int request, int index, int eventFd) {
        long value = (index & 0xffL) | (eventFd < 0 ? VRING_NOFD : 0L);
        channel.stagingPayload().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        oneFd[0] = eventFd;
        sendAndMaybeAck(request, 8, oneFd, eventFd < 0 ? 0 : 1, false);
    }

    /** SET_VRING_ADDR with the queue's user addresses. */
    public void sendVringAddr(DriverVirtqueue queue, boolean wantAck) {
        int size = queue.writeVringAddr(channel.stagingPayload(), 0);
        sendAndMaybeAck(Request.SET_VRING_ADDR, size, null, 0, wantAck);
    }

    /** SET_VRING_ADDR with the queue's user addresses, ring flags {@code flags} and the used-ring log address. */
    public void sendVringAddr(DriverVirtqueue queue, int flags, long logGpa, boolean wantAck) {
        MemorySegment p = channel.stagingPayload();
        int size = queue.writeVringAddr(p, 0);
        p.set(ValueLayout.JAVA_INT_UNALIGNED, io.vhostdma.vhost.protocol.VringAddrLayout.FLAGS, flags);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, io.vhostdma.vhost.protocol.VringAddrLayout.LOG, logGpa);
        sendAndMaybeAck(Request.SET_VRING_ADDR, size, null, 0, wantAck);
    }

    /** SET_LOG_BASE {@code {size, offset}} with the log memfd; returns the u64 of the reply LOG_SHMFD makes due. */
    public long sendLogBase(long size, long offset, int fd) {
        MemorySegment p = channel.stagingPayload();
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, io.vhostdma.vhost.protocol.LogBaseLayout.MMAP_SIZE, size);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, io.vhostdma.vhost.protocol.LogBaseLayout.MMAP_OFFSET, offset);
        oneFd[0] = fd;
        int bytes = io.vhostdma.vhost.protocol.LogBaseLayout.BYTES;
        channel.sendPrepared(Request.SET_LOG_BASE, REQUEST_FLAGS, bytes, bytes, oneFd, 1);
        return expectReply(Request.SET_LOG_BASE, 8).u64();
    }

    /**
     * ADD_MEM_REG ({@code add}, with the region's memfd) or REM_MEM_REG of region {@code i} of {@code memory}
     * (payload {@code u64 padding; region}); waits for the ack when asked and negotiated.
     */
    public void sendMemRegion(boolean add, GuestMemoryImage memory, int i, boolean wantAck) {
        MemorySegment p = channel.stagingPayload();
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.GPA, memory.guestPhysAddr(i));
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.SIZE, memory.regionSize());
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.UVA, memory.userAddr(i));
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.MMAP_OFFSET, 0L);
        oneFd[0] = memory.fd(i);
        sendAndMaybeAck(add ? Request.ADD_MEM_REG : Request.REM_MEM_REG, 8 + MemoryRegionLayout.BYTES, oneFd,
                add ? 1 : 0, wantAck);
    }

    /** SET_MEM_TABLE with every region of {@code memory} and its memfds. */
    public void sendMemTable(GuestMemoryImage memory, boolean wantAck) {
        int size = memory.writeMemTable(channel.stagingPayload(), 0);
        int[] fds = new int[memory.regionCount()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = memory.fd(i);
        }
        sendAndMaybeAck(Request.SET_MEM_TABLE, size, fds, fds.length, wantAck);
    }

    private void sendAndMaybeAck(int request, int size, int[] fds, int fdCount, boolean wantAck) {
        boolean ack = wantAck && replyAck;
        int flags = REQUEST_FLAGS | (ack ? MessageHeaderLayout.FLAG_NEED_REPLY : 0);
        channel.sendPrepared(request, flags, size, size, fds, fdCount);
        if (ack) {
            long status = expectReply(request, 8).u64();
            if (status != 0) {
                throw new FrontendException("back end refused: request=" + Request.name(request) + " ack=" + status);
            }
        }
    }

    /**
     * Reads the reply to {@code request} and checks id, flags ({@code 0x5}) and size; closes and
     * rejects any fds attached to it.
     */
    public Reply expectReply(int request, int expectedSize) {
        Reply r = channel.readReply(timeoutNanos);
        if (r == null) {
            throw new FrontendException("no reply: request=" + Request.name(request) + " timeoutMillis="
                    + timeoutNanos / 1_000_000L);
        }
        if (r.fds().length > 0) {
            io.vhostdma.vhost.internal.sys.Fds.closeAll(r.fds(), r.fds().length);
            throw new FrontendException("unexpected fds in reply: request=" + Request.name(request) + " fds="
                    + r.fds().length);
        }
        if (r.request() != request) {
            throw new FrontendException("reply to another request: request=" + Request.name(request) + " reply="
                    + Request.name(r.request()));
        }
        if (r.flags() != MessageHeaderLayout.REPLY_FLAGS) {
            throw new FrontendException("bad reply flags: request=" + Request.name(request) + " flags=0x"
                    + Integer.toHexString(r.flags()) + " expected=0x5");
        }
        if (r.size() != expectedSize) {
            throw new FrontendException("bad reply size: request=" + Request.name(request) + " size=" + r.size()
                    + " expected=" + expectedSize);
        }
        return r;
    }
}
