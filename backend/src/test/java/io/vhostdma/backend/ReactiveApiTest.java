package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vhostdma.backend.dataplane.Injector;
import io.vhostdma.backend.events.BackendEvent;
import io.vertx.core.Context;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reactive API moves frames byte-exact and in order both ways, with CPU copies and with DMA-bound queues. */
class ReactiveApiTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int FRAMES = 300;
    static final UnaryOperator<FrontendOptions.Builder> JUMBO = o -> o.rxBufferSize(1024).txBufferSize(9216);
    @TempDir
    Path dir;

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("CPU copies", (UnaryOperator<DaemonFixture.Builder>) b -> b),
                Arguments.of("DMA cpu engine", (UnaryOperator<DaemonFixture.Builder>) b -> b
                        .dma("dma0", "cpu", 4, 256, 0, 0).bind("a", "txq0", "dma0", 0).bind("a", "rxq0", "dma0", 1)
                        .bind("b", "txq0", "dma0", 2).bind("b", "rxq0", "dma0", 3)),
                Arguments.of("DMA sw engine", (UnaryOperator<DaemonFixture.Builder>) b -> b
                        .dma("dma0", "sw", 4, 256, 0, 0).bind("a", "txq0", "dma0", 0).bind("a", "rxq0", "dma0", 1)
                        .bind("b", "txq0", "dma0", 2).bind("b", "rxq0", "dma0", 3)));
    }

    private static ReactiveFixture start(Path dir, UnaryOperator<DaemonFixture.Builder> setup) {
        return new ReactiveFixture(dir, setup.apply(DaemonFixture.builder(dir).port("a", 1).port("b", 1)).config());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void shouldReceiveGuestFramesInOrderOnVertxContextWhenSubscribed(String path,
            UnaryOperator<DaemonFixture.Builder> setup) {
        try (ReactiveFixture f = start(dir, setup)) {
            AssertSubscriber<BackendEvent> events = f.backend.events().subscribe()
                    .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            VhostUserFrontend a = f.connect("a", JUMBO);
            VhostUserFrontend b = f.connect("b", JUMBO);
            ReactiveFixture.awaitUntil(() -> events.getItems().stream().anyMatch(
                    e -> e instanceof BackendEvent.PortConnected c && c.port().equals("a")), "port_connected event of a");
            List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<String> wrongThread = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Cancellable sub = f.backend.receive("a").subscribe().with(batch -> {
                String t = Thread.currentThread().getName();
                if (!Context.isOnEventLoopThread() || t.startsWith("vhostd-worker")
                        || Context.isOnEventLoopThread() && f.backend.context() != io.vertx.core.Vertx.currentContext()) {
                    wrongThread.set(t);
                }
                assertEquals("a", batch.port());
                for (int i = 0; i < batch.size(); i++) {
                    got.add(batch.toArray(i));
                }
            }, failure::set);
            int[] sizes = Frames.sizes(FRAMES, 7, 10, 9000);
            for (int i = 0; i < FRAMES; i++) {
                ReactiveFixture.send(a, Frames.frame(B, A, i, sizes[i], 3));
            }
            ReactiveFixture.awaitUntil(() -> got.size() == FRAMES || failure.get() != null, "frames received");
            assertNull(failure.get(), "receive failure");
            for (int i = 0; i < FRAMES; i++) {
                assertArrayEquals(Frames.frame(B, A, i, sizes[i], 3), got.get(i), "frame " + i);
            }
            assertNull(wrongThread.get(), "subscriber ran on a thread that is not the backend's Vert.x context");
            PortCounters ca = f.counters("a");
            assertEquals(FRAMES, ca.tx(0).packets(), "frames taken from a's guest");
            assertEquals(0, ca.snapshot().totalDrops(), "drops");
            assertNull(b.receive(0), "a tapped frame also reached the switch");
            assertEquals(0, f.counters("b").rx(0).packets(), "frames forwarded to b");
            sub.cancel();
            // the tap is removed: a's frames are switched to b again
            byte[] late = Frames.frame(B, A, 9999, 100, 4);
            ReactiveFixture.awaitUntil(() -> {
                ReactiveFixture.send(a, late);
                b.awaitRx(0, 5_000_000L);
                byte[] r = b.receive(0);
                return r != null && java.util.Arrays.equals(late, r);
            }, "port a back on the switch after cancel");
            assertEquals(FRAMES, got.size(), "frames received after cancel");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void shouldDeliverSentFramesInOrderWhenSendCompletes(String path, UnaryOperator<DaemonFixture.Builder> setup) {
        try (ReactiveFixture f = start(dir, setup)) {
            f.connect("a", JUMBO);
            VhostUserFrontend b = f.connect("b", JUMBO);
            int[] sizes = Frames.sizes(FRAMES, 9, 10, 9000);
            AtomicReference<String> completedOn = new AtomicReference<>();
            for (int first = 0; first < FRAMES; first += 50) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = first; i < first + 50; i++) {
                    batch.add(Frames.frame(A, B, i, sizes[i], 5));
                }
                int delivered = f.backend.send("b", PacketBatch.of(batch))
                        .invoke(n -> completedOn.set(Thread.currentThread().getName()))
                        .await().atMost(ReactiveFixture.WAIT);
                assertEquals(50, delivered, "frames delivered of batch at " + first);
                for (int i = first; i < first + 50; i++) {
                    assertArrayEquals(batch.get(i - first), ReactiveFixture.next(b, "b"), "frame " + i);
                }
            }
            assertTrue(completedOn.get().startsWith("vert.x-eventloop"), "send completed on " + completedOn.get());
            PortCounters cb = f.counters("b");
            assertEquals(FRAMES, cb.rx(0).packets(), "frames counted on b's rxq0");
            assertEquals(0, cb.snapshot().totalDrops(), "drops");
            if (!path.startsWith("CPU")) {
                assertTrue(cb.rx(0).dmaSubmitted() >= FRAMES, "copies on b's rxq0 channel: " + cb.rx(0).dmaSubmitted());
                assertEquals(cb.rx(0).dmaSubmitted(), cb.rx(0).dmaCompleted(), "copies completed");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void shouldCountDropsWhenSentFramesCannotBeDelivered() {
        try (ReactiveFixture f = start(dir, b -> b)) {
            byte[] ok = Frames.frame(A, B, 1, 100, 6);
            int none = f.backend.send("b", PacketBatch.of(ok, ok, ok)).await().atMost(ReactiveFixture.WAIT);
            assertEquals(0, none, "delivered without a front end");
            PortCounters cb = f.counters("b");
            assertEquals(3, cb.rx(0).drops(io.vhostdma.backend.stats.DropReason.RX_NOT_READY), "rx_not_ready drops");
            VhostUserFrontend b = f.connect("b", JUMBO);
            byte[] huge = Frames.frame(A, B, 2, Injector.MAX_FRAME + 1, 6); // over 64 KiB of IP packet
            int one = f.backend.send("b", List.of(java.nio.ByteBuffer.wrap(huge), java.nio.ByteBuffer.wrap(ok)))
                    .await().atMost(ReactiveFixture.WAIT);
            assertEquals(1, one, "delivered of a too-big and a good frame");
            assertEquals(1, cb.rx(0).drops(io.vhostdma.backend.stats.DropReason.RX_TOO_BIG), "rx_too_big drops");
            assertArrayEquals(ok, ReactiveFixture.next(b, "b"), "the good frame");
            Throwable unknown = f.backend.send("zz", PacketBatch.of(ok)).onItem().transform(x -> (Throwable) null)
                    .onFailure().recoverWithItem(e -> e).await().atMost(ReactiveFixture.WAIT);
            assertEquals(io.vhostdma.backend.control.ControlException.Code.NOT_FOUND,
                    ((io.vhostdma.backend.control.ControlException) unknown).code());
        }
    }

    @org.junit.jupiter.api.Test
    void shouldSendAndReceiveWhenPortWasAddedLive() throws Exception {
        try (ReactiveFixture f = start(dir, b -> b.dma("dma0", "cpu", 2, 256, 0, 0))) {
            f.backend.management().addPort(new io.vhostdma.config.PortConfig("n", dir.resolve("n.sock"),
                    io.vhostdma.config.PortMode.SERVER, 1, 0600)).toCompletableFuture().get(15,
                    java.util.concurrent.TimeUnit.SECONDS);
            f.backend.management().bind("n", "rxq0", "dma0/1").toCompletableFuture().get(15,
                    java.util.concurrent.TimeUnit.SECONDS);
            VhostUserFrontend n = f.connect("n", JUMBO);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add(Frames.frame(A, B, i, 60 + 37 * i, 8));
            }
            assertEquals(40, f.backend.send("n", PacketBatch.of(batch)).await().atMost(ReactiveFixture.WAIT));
            for (byte[] want : batch) {
                assertArrayEquals(want, ReactiveFixture.next(n, "n"));
            }
            assertEquals(40, f.counters("n").rx(0).packets());
            assertTrue(f.counters("n").rx(0).dmaCompleted() >= 40, "copied by dma0/1 out of registered host memory");
            assertEquals(0, f.counters("n").rx(0).dmaErrors(), "the injector's memory is registered with dma0");
            List<PacketBatch> got = Collections.synchronizedList(new ArrayList<>());
            List<byte[]> frames = Collections.synchronizedList(new ArrayList<>());
            Cancellable c = f.backend.receive("n").subscribe().with(pb -> {
                for (int i = 0; i < pb.size(); i++) {
                    frames.add(pb.toArray(i));
                }
                got.add(pb);
            });
            for (byte[] want : batch) {
                while (n.send(0, want) != 1) {
                    n.reclaimTx(0);
                }
            }
            DaemonFixture.awaitUntil(() -> frames.size() == 40, "n's frames received");
            for (int i = 0; i < 40; i++) {
                assertArrayEquals(batch.get(i), frames.get(i), "frame " + i);
            }
            c.cancel();
        }
    }

    @org.junit.jupiter.api.Test
    void shouldKeepOrderPerQueuePairWhenTwoWorkersFillTheTap() {
        try (ReactiveFixture f = new ReactiveFixture(dir,
                DaemonFixture.builder(dir).port("a", 2).port("b", 1).workers(2).config())) {
            VhostUserFrontend a = f.connect("a", o -> o.queuePairs(2));
            List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
            Cancellable sub = f.backend.receive("a").subscribe().with(batch -> {
                for (int i = 0; i < batch.size(); i++) {
                    got.add(batch.toArray(i));
                }
            });
            for (int i = 0; i < 100; i++) {
                for (int qp = 0; qp < 2; qp++) {
                    byte[] frame = Frames.frame(B, A, qp * 1000 + i, 64 + i, 8);
                    long deadline = System.nanoTime() + ReactiveFixture.WAIT_MILLIS * 1_000_000L;
                    while (a.send(qp, frame) != 1) {
                        assertTrue(System.nanoTime() < deadline, "TX ring of queue pair " + qp + " stayed full");
                        a.reclaimTx(qp);
                    }
                }
            }
            ReactiveFixture.awaitUntil(() -> got.size() == 200, "frames of both queue pairs");
            int[] next = {0, 1000};
            for (byte[] frame : got) {
                int seq = ((frame[14] & 0xff) << 24) | ((frame[15] & 0xff) << 16) | ((frame[16] & 0xff) << 8)
                        | (frame[17] & 0xff);
                int qp = seq / 1000;
                assertEquals(next[qp], seq, "next frame of queue pair " + qp);
                assertArrayEquals(Frames.frame(B, A, seq, 64 + seq % 1000, 8), frame, "frame " + seq);
                next[qp]++;
            }
            assertEquals(100, f.counters("a").tx(1).packets(), "frames taken on txq1 (worker 1)");
            sub.cancel();
        }
    }
}
