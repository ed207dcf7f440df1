package io.vhostdma.backend.reactive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written Vert.x ↔ Mutiny bridges: values and failures pass, a read stream honours demand. */
class BridgesTest {
    @TempDir
    Path dir;

    @Test
    void shouldPassValuesAndFailuresWhenBridgingFuturesAndUnis() throws Exception {
        assertEquals(7, Bridges.toUni(() -> Future.succeededFuture(7)).await().atMost(Duration.ofSeconds(5)));
        Throwable t = Bridges.toUni(() -> Future.<Integer>failedFuture("boom")).onItem().transform(x -> (Throwable) null)
                .onFailure().recoverWithItem(e -> e).await().atMost(Duration.ofSeconds(5));
        assertEquals("boom", t.getMessage());
        Future<String> f = Bridges.toFuture(io.smallrye.mutiny.Uni.createFrom().item("x"));
        assertEquals("x", f.toCompletionStage().toCompletableFuture().get());
    }

    @Test
    void shouldEmitOnlyWhatIsRequestedWhenBridgingReadStream() throws Exception {
        byte[] data = new byte[10_000];
        new Random(1).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        Vertx vertx = Vertx.vertx();
        try {
            AsyncFile first = open(vertx, file);
            AtomicBoolean cancelled = new AtomicBoolean();
            List<Buffer> three = Bridges.toMulti(() -> first, () -> cancelled.set(true)).select().first(3)
                    .collect().asList().await().atMost(Duration.ofSeconds(5));
            assertEquals(3, three.size(), "chunks");
            assertTrue(cancelled.get(), "the stream was cancelled after three chunks");
            AsyncFile all = open(vertx, file);
            List<Buffer> chunks = Bridges.toMulti(() -> all, null).collect().asList().await().atMost(Duration.ofSeconds(5));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Buffer b : chunks) {
                out.write(b.getBytes());
            }
            assertEquals(10, chunks.size(), "chunks of 1000 bytes");
            assertArrayEquals(data, out.toByteArray(), "bytes read");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static AsyncFile open(Vertx vertx, Path file) throws Exception {
        return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)).toCompletionStage()
                .toCompletableFuture().get().setReadBufferSize(1000);
    }
}
