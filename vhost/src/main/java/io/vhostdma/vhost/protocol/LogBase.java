package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.dirtylog.LogBitmap;

import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_LOG_BASE ({@link LogBaseLayout}) with its one fd, validated before anything maps it (the
 * CVE-2020-10722 class: a size or offset that overflows the mapping): {@code 0 < mmap_size ≤ 4 GiB},
 * {@code mmap_offset} a multiple of 8, {@code mmap_offset + mmap_size} without 64-bit overflow, exactly one fd.
 * The fd's kind and length are checked by {@link LogBitmap#map}.
 */
record LogBase(long size, long offset) {
    static LogBase decode(Message m) {
        m.expectSize(LogBaseLayout.BYTES).expectFds(1);
        long size = m.payload().get(ValueLayout.JAVA_LONG_UNALIGNED, LogBaseLayout.MMAP_SIZE);
        long offset = m.payload().get(ValueLayout.JAVA_LONG_UNALIGNED, LogBaseLayout.MMAP_OFFSET);
        String ctx = "mmap-size=0x" + Long.toHexString(size) + " mmap-offset=0x" + Long.toHexString(offset);
        if (size <= 0 || size > LogBitmap.MAX_BYTES) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "log size out of range: " + ctx + " max=0x" + Long.toHexString(LogBitmap.MAX_BYTES));
        }
        if (offset < 0 || offset + size < 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(), "log bounds overflow: " + ctx);
        }
        if (offset % LogBitmap.OFFSET_ALIGN != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "log offset not a multiple of " + LogBitmap.OFFSET_ALIGN + ": " + ctx);
        }
        return new LogBase(size, offset);
    }
}
