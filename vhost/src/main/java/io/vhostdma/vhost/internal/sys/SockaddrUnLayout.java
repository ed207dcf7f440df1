package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code struct sockaddr_un}.
 * <pre>
 * struct sockaddr_un {
 *     sa_family_t sun_family;   // AF_UNIX (u16)
 *     char        sun_path[108];
 * };
 * </pre>
 */
final class SockaddrUnLayout {
    static final short AF_UNIX = 1;
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(108, ValueLayout.JAVA_BYTE).withName("sun_path"));
    static final long FAMILY = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sun_family"));
    static final long PATH = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sun_path"));
    /** Longest path that fits with its terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private SockaddrUnLayout() {
    }

    /** Whether {@code path} fits in {@code sun_path} with its terminating NUL. */
    static boolean fits(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }

    /** Allocates and fills a sockaddr_un for {@code path}; throws if the path is too long. */
    static MemorySegment of(Arena arena, Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (!fits(path)) {
            throw new IllegalArgumentException("socket path too long: path=" + path + " bytes="
                    + bytes.length + " max=" + MAX_PATH_BYTES);
        }
        MemorySegment sa = arena.allocate(LAYOUT);
        sa.set(ValueLayout.JAVA_SHORT, FAMILY, AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, ValueLayout.JAVA_BYTE, PATH, bytes.length);
        return sa;
    }
}
