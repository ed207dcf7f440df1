package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iocb} of Linux AIO (linux/aio_abi.h), little-endian LP64 (64 bytes).
 * <pre>
 * struct iocb {
 *     __u64 aio_data;
 *     __u32 aio_key; __kernel_rwf_t aio_rw_flags;   // in this order on little-endian
 *     __u16 aio_lio_opcode; __s16 aio_reqprio; __u32 aio_fildes;
 *     __u64 aio_buf; __u64 aio_nbytes; __s64 aio_offset;
 *     __u64 aio_reserved2;
 *     __u32 aio_flags;                              // IOCB_FLAG_RESFD: signal aio_resfd at completion
 *     __u32 aio_resfd;
 * };
 * </pre>
 */
final class IocbLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("aio_data"),
            ValueLayout.JAVA_INT.withName("aio_key"),
            ValueLayout.JAVA_INT.withName("aio_rw_flags"),
            ValueLayout.JAVA_SHORT.withName("aio_lio_opcode"),
            ValueLayout.JAVA_SHORT.withName("aio_reqprio"),
            ValueLayout.JAVA_INT.withName("aio_fildes"),
            ValueLayout.JAVA_LONG.withName("aio_buf"),
            ValueLayout.JAVA_LONG.withName("aio_nbytes"),
            ValueLayout.JAVA_LONG.withName("aio_offset"),
            ValueLayout.JAVA_LONG.withName("aio_reserved2"),
            ValueLayout.JAVA_INT.withName("aio_flags"),
            ValueLayout.JAVA_INT.withName("aio_resfd"));
    static final long SIZE = LAYOUT.byteSize();
    static final long OPCODE = offset("aio_lio_opcode");
    static final long FILDES = offset("aio_fildes");
    static final long BUF = offset("aio_buf");
    static final long NBYTES = offset("aio_nbytes");
    static final long FLAGS = offset("aio_flags");
    static final long RESFD = offset("aio_resfd");
    /** {@code IOCB_CMD_PREAD}. */
    static final short CMD_PREAD = 0;
    /** {@code IOCB_FLAG_RESFD}: the kernel signals {@code aio_resfd} (an eventfd) when the request completes. */
    static final int FLAG_RESFD = 1;

    private IocbLayout() {
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
