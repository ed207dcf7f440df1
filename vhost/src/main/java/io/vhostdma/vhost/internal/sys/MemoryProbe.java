package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemorySegment;

/**
 * Tells whether mapped memory can be read without a fault, without touching it from Java: the kernel copies
 * the byte ({@code pwrite} from that address into a private memfd), and a page that would raise SIGBUS — a
 * shared file mapping whose file the peer shrank under it — makes the system call fail with EFAULT instead of
 * signalling the thread. Cold path (fault attribution); allocates nothing but one memfd per instance.
 */
public final class MemoryProbe implements AutoCloseable {
    private final int sink = Memfd.create("vhostd-probe", 0);

    /** Whether the byte at {@code address} of {@code segment} is backed (reading it would not fault). */
    public boolean readable(MemorySegment segment, long offset) {
        try {
            MemorySegment at = segment.asSlice(offset, 1);
            long r = (long) Libc.PWRITE.invokeExact(Libc.state(), sink, at, 1L, 0L);
            if (r == 1) {
                return true;
            }
            if (Libc.errno() == Errno.EFAULT) {
                return false;
            }
            throw Libc.fail("pwrite", "probe address=0x" + Long.toHexString(at.address()));
        } catch (Throwable t) {
            throw Libc.rethrow("pwrite", t);
        }
    }

    @Override
    public void close() {
        Fds.close(sink);
    }
}
