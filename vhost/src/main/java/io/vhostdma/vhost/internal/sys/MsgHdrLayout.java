package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} (LP64).
 * <pre>
 * struct msghdr {
 *     void         *msg_name;       socklen_t msg_namelen;   // + 4 bytes padding
 *     struct iovec *msg_iov;        size_t    msg_iovlen;
 *     void         *msg_control;    size_t    msg_controllen;
 *     int           msg_flags;      // + 4 bytes padding
 * };
 * </pre>
 */
final class MsgHdrLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    static final long IOV = offset("msg_iov");
    static final long IOVLEN = offset("msg_iovlen");
    static final long CONTROL = offset("msg_control");
    static final long CONTROLLEN = offset("msg_controllen");
    static final long FLAGS = offset("msg_flags");

    /** msg_flags bit: the control buffer was too small and fds were discarded by the kernel. */
    static final int MSG_CTRUNC = 0x8;
    /** recvmsg flag: set FD_CLOEXEC on received fds. */
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** sendmsg flag: return EPIPE instead of raising SIGPIPE. */
    static final int MSG_NOSIGNAL = 0x4000;
    /** Non-blocking for this call. */
    static final int MSG_DONTWAIT = 0x40;

    private MsgHdrLayout() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
