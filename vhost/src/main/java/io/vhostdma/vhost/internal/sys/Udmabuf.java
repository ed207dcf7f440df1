package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code /dev/udmabuf}: turns pages of a sealed memfd into a dma-buf fd ({@code UDMABUF_CREATE}).
 *
 * <p>The kernel accepts a memfd (shmem or hugetlbfs) sealed with {@code F_SEAL_SHRINK} and without
 * {@code F_SEAL_WRITE}, and a page-aligned {@code offset}/{@code size} inside the file. The dma-buf pins
 * those pages; it stays valid after the memfd and any mapping of it are closed.
 *
 * <p>{@link #available()} probes the device once (open read-write, close) and keeps the cause, so callers
 * and tests can skip cleanly where the module is not loaded or the device is not accessible.
 */
public final class Udmabuf {
    /** The device node. */
    public static final String DEVICE = "/dev/udmabuf";
    /** asm-generic/ioctl.h: {@code _IOC_WRITE}, {@code _IOC_NRSHIFT}, {@code _IOC_TYPESHIFT} ... */
    static final int IOC_WRITE = 1;
    static final int IOC_NRSHIFT = 0;
    static final int IOC_TYPESHIFT = 8;
    static final int IOC_SIZESHIFT = 16;
    static final int IOC_DIRSHIFT = 30;
    /** {@code UDMABUF_CREATE = _IOW('u', 0x42, struct udmabuf_create)}. */
    public static final long UDMABUF_CREATE = ioctlWrite('u', 0x42, UdmabufCreateLayout.LAYOUT.byteSize());
    private static final int O_RDWR = 0x2;
    private static final int O_CLOEXEC = 0x80000;

    private Udmabuf() {
    }

    /** {@code _IOW(type, nr, size)}: a request number whose argument the kernel reads. */
    static long ioctlWrite(int type, int nr, long size) {
        return ((long) IOC_WRITE << IOC_DIRSHIFT) | ((long) type << IOC_TYPESHIFT) | ((long) nr << IOC_NRSHIFT)
                | (size << IOC_SIZESHIFT);
    }

    /** Whether this process can open {@value #DEVICE} read-write (probed once). */
    public static boolean available() {
        return Probe.REASON == null;
    }

    /**
     * Why {@value #DEVICE} cannot be used, e.g. {@code /dev/udmabuf: No such file or directory}; null when
     * {@link #available()}.
     */
    public static String unavailableReason() {
        return Probe.REASON;
    }

    /**
     * Creates a dma-buf over {@code [offset, offset + size)} of the sealed memfd {@code memfd}.
     *
     * @return the new dma-buf fd (close-on-exec), owned by the caller
     * @throws IllegalArgumentException when {@code offset} or {@code size} is not page-aligned, or size is not positive
     * @throws SysException             when the device cannot be opened or the kernel refuses (EINVAL: wrong seals or
     *                                  range; EBADFD: not a memfd)
     */
    public static int create(int memfd, long offset, long size) {
        long page = Mmap.pageSize();
        if (memfd < 0 || offset < 0 || size <= 0 || offset % page != 0 || size % page != 0) {
            throw new IllegalArgumentException("udmabuf range not page-aligned: memfd=" + memfd + " offset=0x"
                    + Long.toHexString(offset) + " size=0x" + Long.toHexString(size) + " page=" + page);
        }
        int dev = openDevice();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(UdmabufCreateLayout.LAYOUT);
            arg.set(ValueLayout.JAVA_INT, UdmabufCreateLayout.MEMFD, memfd);
            arg.set(ValueLayout.JAVA_INT, UdmabufCreateLayout.FLAGS, UdmabufCreateLayout.FLAGS_CLOEXEC);
            arg.set(ValueLayout.JAVA_LONG, UdmabufCreateLayout.OFFSET, offset);
            arg.set(ValueLayout.JAVA_LONG, UdmabufCreateLayout.SIZE, size);
            int fd = (int) Libc.IOCTL.invokeExact(Libc.state(), dev, UDMABUF_CREATE, arg);
            if (fd < 0) {
                throw Libc.fail("ioctl", "request=UDMABUF_CREATE memfd=" + memfd + " offset=0x"
                        + Long.toHexString(offset) + " size=0x" + Long.toHexString(size));
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("ioctl", t);
        } finally {
            Fds.close(dev);
        }
    }

    private static int openDevice() {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.OPEN.invokeExact(Libc.state(), arena.allocateFrom(DEVICE), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw Libc.fail("open", "path=" + DEVICE);
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("open", t);
        }
    }

    /** The one-time device probe: null when the device opens, else the cause. */
    private static final class Probe {
        static final String REASON = probe();

        private static String probe() {
            try {
                Fds.close(openDevice());
                return null;
            } catch (SysException e) {
                return DEVICE + ": " + Libc.strerror(e.errno());
            }
        }
    }
}
