package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.config.ConfigException;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Fds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing with traffic, taps, sends and DMA copies in flight: nothing hangs, every stream ends, no fd stays open. */
class ReactiveCloseTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int SENDS = 20;
    @TempDir
    Path dir;

    @Test
    void shouldEndStreamsFailSendsAndCloseFdsWhenClosedWithTrafficInFlight() throws InterruptedException {
        cycle(0); // the first backend of the JVM loads native transports and global resources
        int baseline = Fds.openCount();
        cycle(1);
        ReactiveFixture.awaitUntil(() -> Fds.openCount() == baseline, "fd count back to baseline " + baseline
                + " (now " + Fds.openCount() + ")");
        assertEquals(baseline, Fds.openCount());
    }

    private void cycle(int n) throws InterruptedException {
        Path d = dir.resolve("c" + n);
        DaemonFixture.Builder b = DaemonFixture.builder(d).port("a", 1).port("b", 1)
                // b's RX copies take 2 ms each: sends are still in flight when close starts
                .dma("dma0", "sw", 2, 256, 0, 2000).bind("b", "rxq0", "dma0", 0);
        ReactiveFixture f = new ReactiveFixture(d, b.config());
        VhostUserFrontend a = f.connect("a");
        f.connect("b");
        AssertSubscriber<PacketBatch> slow = f.backend.receive("a").subscribe().withSubscriber(AssertSubscriber.create(1));
        AssertSubscriber<BackendEvent> events = f.backend.events().subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < 600; i++) {
            ReactiveFixture.send(a, Frames.frame(B, A, i, 200, 1));
        }
        CountDownLatch settled = new CountDownLatch(SENDS);
        AtomicInteger failed = new AtomicInteger();
        // every batch built before the first send: the sends are queued back to back, just before the close
        // (built in the loop, the sends raced the building of the next batch and could all finish first)
        List<PacketBatch> batches = new ArrayList<>();
        for (int s = 0; s < SENDS; s++) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                frames.add(Frames.frame(B, A, s * 100 + i, 300, 2));
            }
            batches.add(PacketBatch.of(frames));
        }
        for (PacketBatch batch : batches) {
            f.backend.send("b", batch).subscribe().with(x -> settled.countDown(), e -> {
                assertTrue(e.getMessage().contains("backend closed: port=b"), e.getMessage());
                failed.incrementAndGet();
                settled.countDown();
            });
        }
        f.backend.close().await().atMost(Duration.ofSeconds(30));
        assertTrue(settled.await(10, TimeUnit.SECONDS), "every send completed or failed; open: " + settled.getCount());
        assertTrue(failed.get() > 0, "sends still in flight at close failed");
        slow.awaitCompletion(Duration.ofSeconds(10));
        events.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(1, slow.getItems().size(), "batches given to the slow subscriber");
        AssertSubscriber<PacketBatch> late = f.backend.receive("a").subscribe().withSubscriber(AssertSubscriber.create(1));
        assertTrue(late.awaitFailure().getFailure().getMessage().contains("backend closed"), "receive after close");
        f.close(); // front ends; a second backend close completes at once
    }

    @Test
    void shouldFailStartWithConfigErrorWhenFileIsInvalid() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "ports:\n  - name: a\n    queue-pairs: 0\n");
        Throwable e = VhostBackend.start(file).onItem().transform(x -> (Throwable) null)
                .onFailure().recoverWithItem(t -> t).await().atMost(Duration.ofSeconds(10));
        assertTrue(e instanceof ConfigException, "failure " + e);
        assertTrue(e.getMessage().contains("ports[0]"), e.getMessage());
    }
}
