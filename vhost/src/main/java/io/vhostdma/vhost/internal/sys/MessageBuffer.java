package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A reusable {@code msghdr} + {@code iovec} + control buffer + data buffer for one socket, in memory
 * owned by a shared arena so that io_uring can keep pointers into it until a completion arrives.
 *
 * <p>Receive: {@link #prepareReceive(long, long)} points the iovec at {@code data[off, off+len)}
 * with room for {@link #MAX_FDS} fds; after the kernel filled it, {@link #takeFds(int[])} extracts
 * the fds. Send: {@link #prepareSend(long, int[], int)} points the iovec at {@code data[0, len)}
 * and attaches the fds as SCM_RIGHTS.
 */
public final class MessageBuffer implements AutoCloseable {
    /** Most fds one vhost-user message may carry. */
    public static final int MAX_FDS = 8;
    private static final long CONTROL_SPACE = CmsgHdrLayout.space(4L * MAX_FDS);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment msghdr = arena.allocate(MsgHdrLayout.LAYOUT);
    private final MemorySegment iovec = arena.allocate(IovecLayout.LAYOUT);
    private final MemorySegment control = arena.allocate(CONTROL_SPACE, 8);
    private final MemorySegment data;

    public MessageBuffer(long dataCapacity) {
        this.data = arena.allocate(dataCapacity, 8);
    }

    /** The data buffer messages are read into and written from. */
    public MemorySegment data() {
        return data;
    }

    /** Address of the msghdr, for an io_uring RECVMSG/SENDMSG submission. */
    public long msghdrAddress() {
        return msghdr.address();
    }

    MemorySegment msghdr() {
        return msghdr;
    }

    /** Prepares to receive {@code len} bytes into {@code data[offset..]} with room for fds. */
    public void prepareReceive(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > data.byteSize()) {
            throw new IllegalArgumentException("receive range outside buffer: offset=" + offset
                    + " len=" + len + " capacity=" + data.byteSize());
        }
        control.fill((byte) 0);
        iovec.set(ValueLayout.ADDRESS, IovecLayout.BASE, data.asSlice(offset, len));
        iovec.set(ValueLayout.JAVA_LONG, IovecLayout.LEN, len);
        msghdr.fill((byte) 0);
        msghdr.set(ValueLayout.ADDRESS, MsgHdrLayout.IOV, iovec);
        msghdr.set(ValueLayout.JAVA_LONG, MsgHdrLayout.IOVLEN, 1L);
        msghdr.set(ValueLayout.ADDRESS, MsgHdrLayout.CONTROL, control);
        msghdr.set(ValueLayout.JAVA_LONG, MsgHdrLayout.CONTROLLEN, CONTROL_SPACE);
    }

    /** Whether the kernel reported a truncated control buffer (fds were discarded). */
    public boolean controlTruncated() {
        return (msghdr.get(ValueLayout.JAVA_INT, MsgHdrLayout.FLAGS) & MsgHdrLayout.MSG_CTRUNC) != 0;
    }

    /**
     * Copies the SCM_RIGHTS fds the last receive delivered into {@code out} and returns how many
     * (at most {@link #MAX_FDS}; fds beyond {@code out.length} are closed).
     */
    public int takeFds(int[] out) {
        long controlLen = msghdr.get(ValueLayout.JAVA_LONG, MsgHdrLayout.CONTROLLEN);
        int n = 0;
        long pos = 0;
        while (pos + CmsgHdrLayout.DATA <= controlLen) {
            long len = control.get(ValueLayout.JAVA_LONG, pos + CmsgHdrLayout.LEN);
            if (len < CmsgHdrLayout.DATA || pos + len > controlLen) {
                break;
            }
            int level = control.get(ValueLayout.JAVA_INT, pos + CmsgHdrLayout.LEVEL);
            int type = control.get(ValueLayout.JAVA_INT, pos + CmsgHdrLayout.TYPE);
            if (level == CmsgHdrLayout.SOL_SOCKET && type == CmsgHdrLayout.SCM_RIGHTS) {
                int count = (int) ((len - CmsgHdrLayout.DATA) / 4);
                for (int i = 0; i < count; i++) {
                    int fd = control.get(ValueLayout.JAVA_INT, pos + CmsgHdrLayout.DATA + 4L * i);
                    if (n < out.length) {
                        out[n++] = fd;
                    } else {
                        Fds.close(fd);
                    }
                }
            }
            pos += (len + 7) & ~7L;
        }
        control.fill((byte) 0);
        return n;
    }

    /** Prepares to send {@code data[0, len)} with {@code fds[0..fdCount)} attached. */
    public void prepareSend(long len, int[] fds, int fdCount) {
        prepareSend(0, len, fds, fdCount);
    }

    /** Prepares to send {@code data[offset, offset + len)} with {@code fds[0..fdCount)} attached. */
    public void prepareSend(long offset, long len, int[] fds, int fdCount) {
        if (fdCount > MAX_FDS || offset < 0 || len < 0 || offset + len > data.byteSize()) {
            throw new IllegalArgumentException("message outside buffer: offset=" + offset + " len=" + len
                    + " fds=" + fdCount);
        }
        iovec.set(ValueLayout.ADDRESS, IovecLayout.BASE, data.asSlice(offset, len));
        iovec.set(ValueLayout.JAVA_LONG, IovecLayout.LEN, len);
        msghdr.fill((byte) 0);
        msghdr.set(ValueLayout.ADDRESS, MsgHdrLayout.IOV, iovec);
        msghdr.set(ValueLayout.JAVA_LONG, MsgHdrLayout.IOVLEN, 1L);
        if (fdCount > 0) {
            control.fill((byte) 0);
            control.set(ValueLayout.JAVA_LONG, CmsgHdrLayout.LEN, CmsgHdrLayout.len(4L * fdCount));
            control.set(ValueLayout.JAVA_INT, CmsgHdrLayout.LEVEL, CmsgHdrLayout.SOL_SOCKET);
            control.set(ValueLayout.JAVA_INT, CmsgHdrLayout.TYPE, CmsgHdrLayout.SCM_RIGHTS);
            for (int i = 0; i < fdCount; i++) {
                control.set(ValueLayout.JAVA_INT, CmsgHdrLayout.DATA + 4L * i, fds[i]);
            }
            msghdr.set(ValueLayout.ADDRESS, MsgHdrLayout.CONTROL, control);
            msghdr.set(ValueLayout.JAVA_LONG, MsgHdrLayout.CONTROLLEN, CmsgHdrLayout.space(4L * fdCount));
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
