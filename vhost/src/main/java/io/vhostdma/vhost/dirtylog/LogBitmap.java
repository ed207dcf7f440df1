package io.vhostdma.vhost.dirtylog;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.internal.sys.SysException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The front end's dirty-page bitmap (SET_LOG_BASE), mapped MAP_SHARED: bit {@code page % 8} of byte
 * {@code page / 8} stands for guest-physical page {@code page} of {@link #PAGE_SIZE} bytes. QEMU sizes it in
 * 64-bit chunks and reads it with atomic exchanges while the data plane sets bits.
 *
 * <p>Bits are set 64 at a time: {@code getAndBitwiseOrRelease} on the aligned little-endian word that holds them
 * (on a little-endian host the word's bit {@code page % 64} is byte {@code page % 64 / 8}'s bit {@code page % 8}).
 * Release: the guest-memory write the bit stands for is visible before the bit; pairs with the front end's
 * atomic exchange of the word before it copies the page. Pages beyond the bitmap are ignored.
 */
public final class LogBitmap implements AutoCloseable {
    /** Bytes of guest memory per bit (VHOST_LOG_PAGE). */
    public static final long PAGE_SIZE = 4096;
    /** log2 of {@link #PAGE_SIZE}. */
    public static final int PAGE_SHIFT = 12;
    /** Largest bitmap accepted: 4 GiB of bits covers 128 TiB of guest-physical memory. */
    public static final long MAX_BYTES = 1L << 32;
    /** The mapping offset must be a multiple of this (bits are set a 64-bit word at a time). */
    public static final long OFFSET_ALIGN = 8;
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final Arena arena;
    private final MemorySegment mapping;
    private final long base;
    private final long bytes;

    private LogBitmap(Arena arena, MemorySegment mapping, long base, long bytes) {
        this.arena = arena;
        this.mapping = mapping;
        this.base = base;
        this.bytes = bytes;
    }

    /**
     * A bitmap of {@code size} bytes on a fresh private memfd, as a front end allocates its log (benchmarks and
     * tests: the back end only ever maps the front end's fd, {@link #map}). The memfd is closed at once; the mapping
     * keeps its memory until {@link #close()}.
     */
    public static LogBitmap create(long size) {
        int fd = Memfd.create("vhost-log", size);
        try {
            return map(fd, size, 0);
        } finally {
            Fds.close(fd);
        }
    }

    /**
     * Maps {@code size} bytes of {@code fd} at file offset {@code offset} (values already range-checked by the
     * protocol: {@code 0 < size ≤ MAX_BYTES}, {@code offset} aligned, no overflow). The fd must be shared memory
     * the kernel serves itself (memfd, tmpfs or hugetlbfs: {@code F_GET_SEALS} answers) and long enough; it is
     * not kept (the caller closes it).
     *
     * @throws IllegalArgumentException the fd is of another kind or too short ({@code name=value} message)
     * @throws SysException             fstat or mmap failed
     */
    public static LogBitmap map(int fd, long size, long offset) {
        if (Fds.seals(fd) < 0) {
            throw new IllegalArgumentException("log fd is not shared memory (memfd, tmpfs or hugetlbfs): fd-kind="
                    + Fds.describe(fd));
        }
        long end = offset + size;
        long fileSize = Fds.fileSize(fd);
        if (fileSize < end) {
            throw new IllegalArgumentException("log beyond end of file: mmap-offset=0x" + Long.toHexString(offset)
                    + " mmap-size=0x" + Long.toHexString(size) + " file-size=0x" + Long.toHexString(fileSize));
        }
        long page = Mmap.pageSize();
        long start = offset / page * page;
        long len = (end - start + page - 1) / page * page;
        Arena arena = Arena.ofShared();
        try {
            MemorySegment m = Mmap.mapShared(fd, start, len, arena);
            return new LogBitmap(arena, m, offset - start, size);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Bitmap bytes (SET_LOG_BASE's {@code mmap_size}). */
    public long bytes() {
        return bytes;
    }

    /** Whether guest-physical page {@code page} has a bit in this bitmap. */
    public boolean covers(long page) {
        return page >= 0 && (page >>> 3) < bytes;
    }

    /**
     * Sets {@code mask}'s bits in 64-bit word {@code word} (pages {@code word × 64 ..}), ignoring bits beyond the
     * bitmap. Allocation-free; may fault (InternalError) if the front end shrank the file under the mapping.
     */
    public void or(long word, long mask) {
        long byteOff = word << 3;
        if (word < 0 || byteOff >= bytes) {
            return;
        }
        long keep = bytes - byteOff >= 8 ? mask : mask & ((1L << ((bytes - byteOff) << 3)) - 1);
        if (keep != 0) {
            // release: the guest write this bit stands for is visible first; pairs with the front end's xchg
            long unused = (long) WORD.getAndBitwiseOrRelease(mapping, base + byteOff, keep);
        }
    }

    /** Whether the bit of {@code page} is set (tests, diagnostics): an acquire read of its word. */
    public boolean isSet(long page) {
        if (!covers(page)) {
            return false;
        }
        long word = (long) WORD.getAcquire(mapping, base + ((page >>> 6) << 3));
        return (word & (1L << (page & 63))) != 0;
    }

    /** Unmaps the bitmap (after a data-plane quiesce: no worker may still use it). */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "LogBitmap[bytes=0x" + Long.toHexString(bytes) + "]";
    }
}
