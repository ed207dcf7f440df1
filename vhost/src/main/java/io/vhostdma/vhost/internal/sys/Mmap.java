package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** {@code mmap}/{@code munmap} of shared file mappings, tied to an arena. */
public final class Mmap {
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_SHARED = 0x01;

    private static final long PAGE_SIZE = queryPageSize();

    private Mmap() {
    }

    /** The system page size ({@code getpagesize()}). */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    private static long queryPageSize() {
        try {
            return (int) Libc.GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow("getpagesize", t);
        }
    }

    /**
     * Maps {@code len} bytes of {@code fd} from file offset {@code offset}, read/write,
     * MAP_SHARED. The returned segment belongs to {@code arena}: closing the arena munmaps it, and
     * any access afterwards throws {@link IllegalStateException} in the accessing thread.
     */
    public static MemorySegment mapShared(int fd, long offset, long len, Arena arena) {
        if (len <= 0 || offset < 0) {
            throw new IllegalArgumentException("bad mapping: fd=" + fd + " offset=" + offset + " len=" + len);
        }
        MemorySegment p;
        try {
            p = (MemorySegment) Libc.MMAP.invokeExact(Libc.state(), MemorySegment.NULL, len,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
        } catch (Throwable t) {
            throw Libc.rethrow("mmap", t);
        }
        if (p.address() == -1L) {
            throw Libc.fail("mmap", "fd=" + fd + " offset=" + offset + " len=" + len);
        }
        long address = p.address();
        return p.reinterpret(len, arena, seg -> unmap(address, len));
    }

    private static void unmap(long address, long len) {
        try {
            int r = (int) Libc.MUNMAP.invokeExact(Libc.state(), MemorySegment.ofAddress(address), len);
            if (r < 0) {
                System.getLogger("io.vhostdma.sys").log(System.Logger.Level.ERROR,
                        "munmap failed: address=0x" + Long.toHexString(address) + " len=" + len
                                + " errno=" + Libc.errno());
            }
        } catch (Throwable t) {
            throw Libc.rethrow("munmap", t);
        }
    }
}
