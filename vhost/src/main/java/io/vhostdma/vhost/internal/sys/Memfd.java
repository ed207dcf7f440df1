package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Anonymous shared-memory files ({@code memfd_create}). */
public final class Memfd {
    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;

    private Memfd() {
    }

    /** Creates a memfd of {@code size} bytes (sparse) and returns its fd. */
    public static int create(String name, long size) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) Libc.MEMFD_CREATE.invokeExact(Libc.state(), arena.allocateFrom(name),
                    MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (fd < 0) {
                throw Libc.fail("memfd_create", "name=" + name);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("memfd_create", t);
        }
        try {
            if ((int) Libc.FTRUNCATE.invokeExact(Libc.state(), fd, size) < 0) {
                throw Libc.fail("ftruncate", "fd=" + fd + " size=" + size);
            }
            return fd;
        } catch (Throwable t) {
            Fds.close(fd);
            throw Libc.rethrow("ftruncate", t);
        }
    }
}
