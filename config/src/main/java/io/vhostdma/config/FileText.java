package io.vhostdma.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a whole UTF-8 file that must not exceed a size limit, reading at most one byte more than
 * the limit whatever the file is: a link to {@code /dev/zero} or another endless file is refused as
 * too large instead of filling the heap.
 */
final class FileText {

    /** The file has more than the allowed number of bytes. */
    static final class TooLarge extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;

        TooLarge(long maxBytes) {
            super("larger than " + maxBytes + " bytes");
        }
    }

    private FileText() {
    }

    /**
     * The text of {@code file}.
     *
     * @throws TooLarge                               when it holds more than {@code maxBytes} bytes
     * @throws java.nio.charset.CharacterCodingException when it is not valid UTF-8
     * @throws IOException                            when it cannot be read
     */
    static String read(Path file, long maxBytes) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        }
        if (bytes.length > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
