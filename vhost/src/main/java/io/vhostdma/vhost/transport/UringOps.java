package io.vhostdma.vhost.transport;

import io.netty.channel.uring.IoUringIoOps;

/**
 * The io_uring submissions the transport uses, built with Netty's public 13-argument
 * {@link IoUringIoOps} constructor (its factories are package-private). Argument order:
 * {@code opcode, sqe flags, ioprio, fd, union1 (off/addr2), union2 (addr), len,
 * union3 (rw/poll/msg flags), data (our tag), personality, union4, union5, union6}.
 */
final class UringOps {
    static final byte OP_POLL_ADD = 6;
    static final byte OP_RECVMSG = 10;
    static final byte OP_ASYNC_CANCEL = 14;
    static final int POLLIN = 0x1;
    static final int POLLOUT = 0x4;
    static final int POLL_ADD_MULTI = 1;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** {@code IORING_CQE_F_MORE}: a multishot request stays armed. */
    static final int CQE_F_MORE = 1 << 1;
    static final int ECANCELED = 125;

    private UringOps() {
    }

    /** recvmsg(fd, msghdr, MSG_CMSG_CLOEXEC) into the buffer the msghdr describes. */
    static IoUringIoOps recvmsg(int fd, long msghdrAddress, short tag) {
        return new IoUringIoOps(OP_RECVMSG, (byte) 0, (short) 0, fd, 0L, msghdrAddress, 1, MSG_CMSG_CLOEXEC, tag,
                (short) 0, (short) 0, 0, 0L);
    }

    /** Poll {@code fd} for {@code events}; multishot stays armed until cancelled. */
    static IoUringIoOps pollAdd(int fd, int events, boolean multishot, short tag) {
        return new IoUringIoOps(OP_POLL_ADD, (byte) 0, (short) 0, fd, 0L, 0L, multishot ? POLL_ADD_MULTI : 0, events,
                tag, (short) 0, (short) 0, 0, 0L);
    }

    /** Cancels the in-flight submission whose user_data is {@code udata}. */
    static IoUringIoOps asyncCancel(long udata, short tag) {
        return new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, udata, 0, 0, tag, (short) 0, (short) 0,
                0, 0L);
    }
}
