package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a queue between DMA channels (and to and from CPU copies) while the guest keeps sending:
 * every frame arrives intact and in order or is a counted drop, and the counters show the new
 * channel carrying the traffic.
 */
class LiveRebindTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "sw"})
    void shouldKeepTrafficFlowingWhenQueuesAreRebound(String engine) throws Exception {
        int frames = 6000;
        // the steps: b's rxq0 dma0/0 -> dma0/1 -> cpu -> dma0/2; a's txq0 cpu -> dma0/3 (idle in a group)
        String[][] steps = {{"b", "rxq0", "dma0/1"}, {"b", "rxq0", null}, {"b", "rxq0", "dma0/2"},
            {"a", "txq0", "dma0/3"}};
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", engine, 4, 512, 0, 0).bind("b", "rxq0", "dma0", 0)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            Management m = d.vhostd().management();
            List<BackendEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (AutoCloseable sub = m.events().subscribe(events::add)) {
                VhostUserFrontend a = d.connect("a");
                VhostUserFrontend b = d.connect("b");
                NumberedFrames flow = new NumberedFrames(B, A, 5);
                QueueCounters brx = d.counters("b").rx(0);
                int sent = 0;
                int step = 0;
                CompletionStage<QueueView> pending = null;
                List<QueueView> results = new ArrayList<>();
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (flow.received() + brx.drops() < frames || step < steps.length || pending != null) {
                    assertTrue(System.nanoTime() < deadline, "timed out: sent=" + sent + " received=" + flow.received()
                            + " drops=" + brx.drops() + " step=" + step);
                    if (pending == null && step < steps.length && sent >= (step + 1) * frames / (steps.length + 1)) {
                        String[] s = steps[step++];
                        pending = s[2] == null ? m.unbind(s[0], s[1]) : m.bind(s[0], s[1], s[2]);
                    }
                    if (pending != null && pending.toCompletableFuture().isDone()) {
                        results.add(pending.toCompletableFuture().join());
                        pending = null;
                    }
                    if (sent < frames && sent - flow.received() - brx.drops() < 32 && flow.send(a, sent)) {
                        sent++;
                    }
                    flow.drain(b, sent);
                }
                int received = flow.received();
                int last = flow.last();
                assertEquals(frames, sent);
                assertEquals(brx.drops(), brx.drops(DropReason.RX_NOT_READY) + brx.drops(DropReason.RX_NO_BUFFERS),
                        "only the drain's drops: " + brx.drops());
                // how many frames a drain costs depends on the machine's load; that they are counted does not
                assertEquals(frames, received + brx.drops(), "every frame arrived or is a counted drop");
                assertTrue(received >= frames / 2, "most frames arrived: " + received);
                assertEquals(frames - 1, last, "traffic flows after the last rebind: the last frame arrived");
                assertEquals(4, results.size());
                assertEquals("dma0/1", results.get(0).channel());
                assertNull(results.get(1).channel(), "unbound: CPU copies");
                assertEquals("dma0/2", results.get(2).channel());
                assertEquals("dma0/3", results.get(3).channel());
                QueueView now = m.queues("b").get(0);
                assertEquals("dma0/2", now.channel());
                assertTrue(now.started());
                assertEquals("dma0/2", brx.channel(), "the worker's ring runs on the new channel");
                List<ChannelView> channels = m.devices().get(0).channels();
                assertNull(channels.get(0).boundTo(), "dma0/0 released");
                assertNull(channels.get(1).boundTo(), "dma0/1 released");
                assertEquals("b/rxq0", channels.get(2).boundTo());
                assertEquals("a/txq0", channels.get(3).boundTo());
                for (int c = 0; c < 3; c++) {
                    ChannelView ch = channels.get(c);
                    assertTrue(ch.completed() > 0, "channel " + ch.name() + " carried traffic");
                    assertEquals(ch.submitted(), ch.completed(), "channel " + ch.name() + " drained");
                    assertEquals(List.of("a->b"), List.copyOf(ch.bytes().keySet()), "guest to guest on " + ch.name());
                }
                DaemonFixture.awaitUntil(() -> a.reclaimTx(0) >= 0 && a.txInFlight(0) == 0, "a's TX chains returned");
                // the new bindings carry on after the changes, and survive a reconnect
                Flow.run(new ArrayList<>(List.of(new Flow(a, b, 0, B, A, Frames.sizes(200, 2, 0, 0), 9))), 30_000);
                d.disconnect("b", b);
                VhostUserFrontend b2 = d.connect("b");
                Flow.run(new ArrayList<>(List.of(new Flow(a, b2, 0, B, A, Frames.sizes(200, 3, 0, 0), 10))), 30_000);
                assertEquals("dma0/2", d.counters("b").rx(0).channel());
                List<String> changes = new ArrayList<>();
                for (BackendEvent e : events) {
                    if (e instanceof BackendEvent.BindingChanged c) {
                        changes.add(c.port() + "/" + c.queue() + ":" + c.from() + "->" + c.to());
                    }
                }
                assertEquals(List.of("b/rxq0:dma0/0->dma0/1", "b/rxq0:dma0/1->null", "b/rxq0:null->dma0/2",
                        "a/txq0:null->dma0/3"), changes);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rxq0", "txq0"})
    void shouldRecordBindingForNextStartWhenQueueIsNotStarted(String queue) throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", "cpu", 2, 256, 0, 0).group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            Management m = d.vhostd().management();
            QueueView v = m.bind("a", queue, "dma0/1").toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertEquals("dma0/1", v.channel());
            assertTrue(!v.started());
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            String q = queue;
            DaemonFixture.awaitUntil(() -> "dma0/1".equals(q.startsWith("rx") ? d.counters("a").rx(0).channel()
                    : d.counters("a").tx(0).channel()), "ring started on dma0/1");
            Flow.run(new ArrayList<>(List.of(new Flow(b, a, 0, A, B, Frames.sizes(100, 4, 0, 0), 11),
                    new Flow(a, b, 0, B, A, Frames.sizes(100, 5, 0, 0), 12))), 30_000);
            if (queue.startsWith("rx")) {
                assertTrue(m.devices().get(0).channels().get(1).completed() > 0, "dma0/1 copied into a");
            }
            CompletableFuture<QueueView> back = m.unbind("a", queue).toCompletableFuture();
            assertNull(back.get(15, TimeUnit.SECONDS).channel());
        }
    }
}
