package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.control.ControlException.Code;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.control.StatusView;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management facade against a running backend with Java front ends attached. */
class ManagementTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    @TempDir
    Path dir;

    private static Code code(Runnable r) {
        return assertThrows(ControlException.class, r::run).code();
    }

    private static Code codeOf(Supplier<java.util.concurrent.CompletionStage<?>> op) {
        try {
            op.get().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (ControlException e) {
            return e.code();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ControlException c) {
                return c.code();
            }
            if (e.getCause() instanceof CompletionException ce && ce.getCause() instanceof ControlException c) {
                return c.code();
            }
            throw new AssertionError("not a ControlException", e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error");
    }

    /** Each front end broadcasts once so the switch learns its MAC; everything flooded is drained. */
    private static void learn(DaemonFixture d, List<VhostUserFrontend> fes, List<Long> macs) {
        long[] before = new long[fes.size()];
        for (int i = 0; i < fes.size(); i++) {
            before[i] = fes.get(i).counters(0).rxPackets();
        }
        for (int i = 0; i < fes.size(); i++) {
            assertEquals(1, fes.get(i).send(0, Frames.frame(Frames.BROADCAST, macs.get(i), 0, 64, 1)));
        }
        for (int i = 0; i < fes.size(); i++) {
            VhostUserFrontend fe = fes.get(i);
            long want = before[i] + fes.size() - 1;
            DaemonFixture.awaitUntil(() -> {
                while (fe.receive(0) != null) {
                    // drain
                }
                return fe.counters(0).rxPackets() >= want;
            }, "floods reached front end " + i);
            fe.reclaimTx(0);
        }
    }

    @Test
    void shouldDescribeWhatRunsWhenFrontEndsAreConnected() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2)
                .dma("dma0", "cpu", 4, 256, 0, 0).bind("b", "rxq0", "dma0", 2)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            Management m = d.vhostd().management();
            assertEquals("listening", m.port("a").state());
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b", o -> o.queuePairs(2));
            Flow.run(new ArrayList<>(List.of(new Flow(a, b, 0, B, A, Frames.sizes(300, 1, 0, 0), 1))), 30_000);

            StatusView s = m.status();
            assertTrue(s.version().startsWith("0."), "version from the build: " + s.version());
            assertEquals(2, s.ports());
            assertEquals("switch", s.forwarding());
            assertEquals(1, s.workers().size());
            assertTrue(s.workers().get(0).packets() >= 300);
            assertTrue(s.engines().contains("cpu") && s.engines().contains("sw"), "engines: " + s.engines());

            PortView pa = m.port("a");
            assertEquals("connected", pa.state());
            assertEquals("server", pa.mode());
            assertEquals(d.socket("a").toString(), pa.socket());
            assertEquals("g", pa.group());
            assertTrue(pa.featureNames().contains("VERSION_1"), "features: " + pa.featureNames());
            assertEquals(a.negotiation().features(), pa.features());
            assertEquals("external", pa.memoryKind());
            assertFalse(pa.regions().isEmpty());
            assertEquals(16L << 20, pa.regions().stream().mapToLong(r -> r.size()).sum());
            assertEquals(List.of("a", "b"), m.ports().stream().map(PortView::name).toList());

            List<QueueView> qb = m.queues("b");
            assertEquals(List.of("rxq0", "txq0", "rxq1", "txq1"), qb.stream().map(QueueView::queue).toList());
            assertEquals("dma0/2", qb.get(0).channel());
            assertTrue(qb.get(0).started());
            assertEquals(300, qb.get(0).packets());
            assertEquals(300, qb.get(0).dmaCompleted());
            assertEquals(0, qb.get(0).dmaInFlight());
            assertEquals(300, m.queues("a").get(1).packets(), "a's txq0 took 300 frames");
            assertEquals(6, m.queues(null).size());

            ChannelView ch = m.devices().get(0).channels().get(2);
            assertEquals("b/rxq0", ch.boundTo());
            assertEquals(300, ch.submitted());
            assertTrue(ch.bytes().get("a->b") > 0, "bytes by port name: " + ch.bytes());
            assertEquals("cpu", m.devices().get(0).engine());
            assertEquals(256, m.devices().get(0).ringSize());
            assertEquals(List.of(new GroupView("g", "a", List.of("a", "b"))), m.groups());
        }
    }

    @Test
    void shouldAnswerWithCodesWhenRequestsAreWrong() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .dma("dma0", "cpu", 2, 256, 0, 0).bind("a", "rxq0", "dma0", 0)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            Management m = d.vhostd().management();
            assertEquals(Code.NOT_FOUND, code(() -> m.port("zz")));
            assertEquals(Code.NOT_FOUND, code(() -> m.queues("zz")));
            assertEquals(Code.NOT_FOUND, codeOf(() -> m.bind("zz", "rxq0", "dma0/1")));
            assertEquals(Code.INVALID_ARGUMENT, codeOf(() -> m.bind("b", "rx0", "dma0/1")));
            assertEquals(Code.INVALID_ARGUMENT, codeOf(() -> m.bind("b", "rxq0", "dma0")), "channel syntax");
            assertEquals(Code.INVALID_ARGUMENT, codeOf(() -> m.bind("b", "rxq0", "dma0/01")), "as in the config file");
            assertEquals(Code.NOT_FOUND, codeOf(() -> m.bind("b", "rxq1", "dma0/1")));
            assertEquals(Code.NOT_FOUND, codeOf(() -> m.bind("b", "rxq0", "dma9/1")));
            assertEquals(Code.NOT_FOUND, codeOf(() -> m.bind("b", "rxq0", "dma0/7")));
            ControlException noChannel = assertThrows(ControlException.class, () -> m.bind("b", "rxq0", "dma0/7"));
            assertEquals("no such DMA channel: channel=dma0/7 (dma0 has 2 channels)", noChannel.getMessage());
            assertEquals("no such DMA channel: channel=dma9/1 (devices: dma0)",
                    assertThrows(ControlException.class, () -> m.bind("b", "rxq0", "dma9/1")).getMessage());
            assertEquals(Code.ALREADY_EXISTS, codeOf(() -> m.bind("b", "rxq0", "dma0/0")), "channel in use");
            ControlException inUse = assertThrows(CompletionException.class,
                    () -> m.bind("b", "txq0", "dma0/0").toCompletableFuture().join()).getCause() instanceof ControlException c
                    ? c : null;
            assertTrue(inUse != null && inUse.getMessage().contains("channel=dma0/0 bound to a/rxq0"), "message");

            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            m.events().subscribe(events::add);
            ControlException wrong = assertThrows(ControlException.class, () -> m.join("c", "g", "not-the-token"));
            assertEquals(Code.PERMISSION_DENIED, wrong.code());
            assertFalse(wrong.getMessage().contains(AsyncDataPathTest.TOKEN), "no token in messages");
            assertEquals(1, m.status().refusedJoins());
            assertNull(m.port("c").group(), "c stays out");
            assertTrue(events.stream().anyMatch(e -> e instanceof BackendEvent.JoinRefused r && r.port().equals("c")
                    && r.reason().equals("wrong token")));
            assertEquals(Code.NOT_FOUND, code(() -> m.join("c", "nope", "x")));
            assertEquals(Code.FAILED_PRECONDITION, code(() -> m.join("b", "g", AsyncDataPathTest.TOKEN)));
            assertEquals(Code.ALREADY_EXISTS, code(() -> m.createGroup("g", "t", "c")));
            assertEquals(Code.FAILED_PRECONDITION, code(() -> m.leave("a", "g", AsyncDataPathTest.TOKEN)),
                    "the creator leaves last");
            assertEquals(Code.FAILED_PRECONDITION, code(() -> m.leave("c", "g", AsyncDataPathTest.TOKEN)), "not a member");
            assertEquals(Code.PERMISSION_DENIED, code(() -> m.leave("b", "g", "not-the-token")), "leaving needs the token");
            assertEquals(2, m.status().refusedJoins(), "the refused leave is counted");
            assertEquals("g", m.port("b").group(), "b stays in");
            assertEquals(Code.INVALID_ARGUMENT, codeOf(() -> m.addPort(new PortConfig("bad name!",
                    dir.resolve("x.sock"), PortMode.SERVER, 1, 0600))));
            assertEquals(Code.ALREADY_EXISTS, codeOf(() -> m.addPort(new PortConfig("a", dir.resolve("y.sock"),
                    PortMode.SERVER, 1, 0600))));
            assertEquals(Code.ALREADY_EXISTS, codeOf(() -> m.addPort(new PortConfig("d", d.socket("a"),
                    PortMode.SERVER, 1, 0600))));
            assertEquals(Code.NOT_FOUND, codeOf(() -> m.removePort("zz")));
        }
    }

    @Test
    void shouldMoveTrafficBetweenGroupsWhenPortsJoinAndLeave() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .dma("dma0", "cpu", 3, 256, 0, 0).bind("a", "rxq0", "dma0", 0).bind("b", "rxq0", "dma0", 1)
                .bind("c", "rxq0", "dma0", 2).start()) {
            Management m = d.vhostd().management();
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            assertEquals(new GroupView("t1", "a", List.of("a")), m.createGroup("t1", "secret-1", "a"));
            assertEquals(List.of("a", "b"), m.join("b", "t1", "secret-1").members());
            Flow.run(new ArrayList<>(List.of(new Flow(a, b, 0, B, A, Frames.sizes(50, 2, 0, 0), 3))), 30_000);
            assertTrue(m.devices().get(0).channels().get(1).bytes().containsKey("a->b"), "one guest-to-guest copy");
            // a broadcast from a stays in t1: c (outside) sees nothing
            assertEquals(1, a.send(0, Frames.frame(Frames.BROADCAST, A, 1, 100, 4)));
            DaemonFixture.awaitUntil(() -> b.receive(0) != null, "b got the broadcast");
            d.settle();
            assertNull(c.receive(0), "c is outside the group");
            assertEquals("t1", m.port("b").group());
            assertEquals(List.of("a"), m.leave("b", "t1", "secret-1").members());
            assertNull(m.port("b").group());
            Flow.run(new ArrayList<>(List.of(new Flow(b, c, 0, C, B, Frames.sizes(50, 3, 0, 0), 5))), 30_000);
            assertTrue(m.devices().get(0).channels().get(2).bytes().containsKey("host->c"),
                    "the default segment goes through host memory: " + m.devices().get(0).channels().get(2).bytes());
            m.leave("a", "t1", "secret-1");
            assertEquals(List.of(), m.groups().get(0).members());
        }
    }

    @Test
    void shouldAddAndRemovePortsWhileOthersRun() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", "cpu", 2, 256, 0, 0).start()) {
            Management m = d.vhostd().management();
            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            m.events().subscribe(events::add);
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            PortView added = m.addPort(new PortConfig("n", d.socket("n"), PortMode.SERVER, 1, 0600))
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertEquals("listening", added.state());
            assertTrue(Files.exists(d.socket("n")));
            assertTrue(d.output().contains("vhostd: serving port=n"));
            VhostUserFrontend n = d.connect("n");
            assertEquals("dma0/1", m.bind("n", "rxq0", "dma0/1").toCompletableFuture().get(15, TimeUnit.SECONDS)
                    .channel());
            learn(d, List.of(a, b, n), List.of(A, B, C));
            Flow.run(new ArrayList<>(List.of(new Flow(a, n, 0, C, A, Frames.sizes(100, 1, 0, 0), 6),
                    new Flow(n, b, 0, B, C, Frames.sizes(100, 2, 0, 0), 7))), 30_000);
            assertEquals(102, m.queues("n").get(0).packets(), "100 frames plus the two learning floods");

            m.removePort("n").toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertFalse(Files.exists(d.socket("n")), "socket removed");
            assertEquals(List.of("a", "b"), m.ports().stream().map(PortView::name).toList());
            assertEquals(Code.NOT_FOUND, code(() -> m.port("n")));
            assertNull(m.devices().get(0).channels().get(1).boundTo(), "n's channel released");
            // a and b keep working, and a frame to n's MAC is not delivered anywhere stale
            Flow.run(new ArrayList<>(List.of(new Flow(a, b, 0, B, A, Frames.sizes(100, 3, 0, 0), 8))), 30_000);
            // the name and the socket can be used again
            m.addPort(new PortConfig("n", d.socket("n"), PortMode.SERVER, 1, 0600)).toCompletableFuture()
                    .get(15, TimeUnit.SECONDS);
            VhostUserFrontend n2 = d.connect("n");
            learn(d, List.of(a, b, n2), List.of(A, B, C));
            Flow.run(new ArrayList<>(List.of(new Flow(a, n2, 0, C, A, Frames.sizes(50, 4, 0, 0), 9))), 30_000);
            List<String> kinds = events.stream().filter(e -> e.type().startsWith("port_") && e instanceof
                    BackendEvent.PortAdded || e instanceof BackendEvent.PortRemoved).map(BackendEvent::type).toList();
            assertEquals(List.of("port_added", "port_removed", "port_added"), kinds);
        }
    }

    @Test
    void shouldPublishEventsInOrderWhenFrontEndComesAndGoes() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", "cpu", 2, 256, 0, 0).bind("a", "rxq0", "dma0", 0).start()) {
            Management m = d.vhostd().management();
            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            m.events().subscribe(events::add);
            VhostUserFrontend a = d.connect("a");
            d.disconnect("a", a);
            List<String> seen = new ArrayList<>();
            long last = 0;
            for (BackendEvent e : events) {
                assertTrue(e.sequence() > last, "sequence increases");
                last = e.sequence();
                seen.add(switch (e) {
                    case BackendEvent.QueueStarted q -> q.type() + ":" + q.queue() + ":" + q.channel();
                    case BackendEvent.QueueStopped q -> q.type() + ":" + q.queue();
                    default -> e.type();
                });
            }
            assertEquals("port_connected", seen.get(0));
            assertEquals("features_negotiated", seen.get(1));
            assertEquals(List.of("queue_started:rxq0:dma0/0", "queue_started:txq0:null"), seen.subList(2, 4).stream()
                    .sorted().toList());
            assertEquals(List.of("queue_stopped:rxq0", "queue_stopped:txq0"), seen.subList(4, 6).stream().sorted()
                    .toList());
            assertEquals("port_disconnected", seen.get(6));
            assertEquals(7, seen.size(), "events: " + seen);
            BackendEvent.FeaturesNegotiated f = (BackendEvent.FeaturesNegotiated) events.get(1);
            assertTrue(f.names().contains("VERSION_1"));
        }
    }

    @Test
    void shouldReportDmaErrorsWhenCopiesFail() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", "sw", 2, 512, 0.05, 0).bind("b", "rxq0", "dma0", 1)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            Management m = d.vhostd().management();
            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            m.events().subscribe(events::add);
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            for (int i = 0; i < 400; i++) {
                while (a.send(0, Frames.frame(B, A, i, 200, 1)) != 1) {
                    a.reclaimTx(0);
                    while (b.receive(0) != null) {
                        // keep b's ring supplied
                    }
                }
            }
            DaemonFixture.awaitUntil(() -> {
                while (b.receive(0) != null) {
                    // drain
                }
                long failed = d.counters("b").rx(0).dmaErrors();
                long reported = events.stream().filter(e -> e instanceof BackendEvent.DmaErrors)
                        .mapToLong(e -> ((BackendEvent.DmaErrors) e).errors()).sum();
                return failed > 0 && reported == failed && d.counters("b").rx(0).dmaInFlight() == 0;
            }, "every failed copy reported by dma_errors events");
            BackendEvent.DmaErrors e = (BackendEvent.DmaErrors) events.stream()
                    .filter(x -> x instanceof BackendEvent.DmaErrors).findFirst().orElseThrow();
            assertEquals("b", e.port());
            assertEquals("rxq0", e.queue());
            assertEquals("dma0/1", e.channel());
            assertEquals(m.queues("b").get(0).dmaErrors(), m.queues("b").get(0).drops().get("dma_error"));
        }
    }
}
