package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.DriverVirtqueue;
import io.vhostdma.vhost.frontend.GuestMemoryImage;
import io.vhostdma.vhost.frontend.Tampering;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VringDescLayout;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.protocol.ProtocolException;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile front end on port a of a running daemon whose three ports share one worker. Whatever a does to what
 * it shares with vhostd — its notifier eventfds, its memory, its rings — the other ports keep forwarding
 * (within 2 s) while vhostd deals with a and afterwards, a accepts a fresh front end, and the open-fd count
 * returns to its baseline.
 */
class HostileFrontEndTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    private static final long WITHIN = 2_000;
    private static final long ALL_ONES = 0xffff_ffff_ffff_ffffL; // the kernel's cap: only its signal reaches it
    @TempDir
    Path dir;

    /** What the attacker a does once connected (b is a bystander it may get traffic from), and what must hold. */
    interface Attack {
        void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b);

        /** Checked after the other ports forwarded; returns whether vhostd closed a's connection. */
        boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log);
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("clears O_NONBLOCK on its kick and call eventfds", new Attack() {
                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        Tampering.clearNonBlocking(a);
                        Tampering.armInterrupts(a);
                        send(b, A, B, 64); // vhostd delivers into a and signals its (now blocking) call fd
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        // kicks still wake the worker (never read), calls still reach a (signalled by the kernel)
                        drain(a);
                        exchange(a, A, b, B);
                        assertFalse(Fds.isNonBlocking(a.ring(1).kickFd()), "vhostd did not re-flag the fd");
                        assertEquals(0, d.counters("a").rx(0).notifyDropped());
                        return false;
                    }
                }),
                attack("saturates its call counter (a write would block)", new Attack() {
                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        Tampering.clearNonBlocking(a);
                        Tampering.saturateCall(a, 0);
                        Tampering.armInterrupts(a);
                        send(b, A, B, 64); // vhostd delivers into a and signals its call fd
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        int call = a.ring(0).callFd();
                        // only the kernel's signal takes the counter from 2^64-2 to its cap 2^64-1: vhostd signalled
                        // it while a write(1) would have blocked, and the worker went on
                        DaemonFixture.awaitUntil(() -> EventFd.peekCount(call) == ALL_ONES, "a's call signalled");
                        assertEquals(0, d.counters("a").rx(0).notifyDropped(), "nothing refused");
                        return false;
                    }
                }),
                attack("blocks and saturates its err eventfd, then breaks its TX ring", new Attack() {
                    private int err = -1;

                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        err = EventFd.create();
                        Fds.setBlocking(err, true);
                        Tampering.saturate(err);
                        Tampering.sendNotifier(a, Request.SET_VRING_ERR, 1, err);
                        a.client().getU64(Request.GET_FEATURES); // barrier: the err fd is installed
                        a.ring(1).publishAvailIdx(a.ring(1).availIdx() + a.ring(1).size() + 1);
                        a.ring(1).kick();
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        QueueCounters tx = d.counters("a").tx(0);
                        DaemonFixture.awaitUntil(() -> tx.ringErrors() == 1, "a's TX ring stopped");
                        DaemonFixture.awaitUntil(() -> EventFd.peekCount(err) == ALL_ONES, "a's err fd signalled");
                        Fds.close(err);
                        return false;
                    }
                }),
                attack("hands over a kick that is not an eventfd", new Attack() {
                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        int[] pair = io.vhostdma.vhost.internal.sys.UnixSockets.socketPair();
                        Tampering.sendNotifier(a, Request.SET_VRING_KICK, 1, pair[0]);
                        Fds.close(pair[0]);
                        Fds.close(pair[1]);
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        assertTrue(a.channel().isPeerClosed(5_000), "vhostd closed the connection");
                        assertEquals(1, d.vhostd().sessionCounters().get(0).errors(ProtocolException.Kind.BAD_FDS));
                        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("port=a")
                                && w.contains("notifier is not an eventfd")), log.warnings().toString());
                        return true;
                    }
                }),
                attack("hands over a call that is not an eventfd", new Attack() {
                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        int m = Memfd.create("not-a-call", 0);
                        Tampering.sendNotifier(a, Request.SET_VRING_CALL, 0, m);
                        Fds.close(m);
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        assertTrue(a.channel().isPeerClosed(5_000), "vhostd closed the connection");
                        assertEquals(1, d.vhostd().sessionCounters().get(0).errors(ProtocolException.Kind.BAD_FDS));
                        return true;
                    }
                }),
                attack("shrinks its memory file under vhostd's mapping (SIGBUS)", new Attack() {
                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        Tampering.shrinkMemory(a, 0, 0); // from now on the test never touches a's memory either
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        DaemonFixture.awaitUntil(() -> d.port("a").device() == null, "vhostd closed a's connection");
                        assertTrue(d.counters("a").tx(0).ringErrors() + d.counters("a").rx(0).ringErrors() >= 1,
                                "a's rings stopped, counted");
                        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("guest memory fault: port=a")),
                                log.warnings().toString());
                        return true;
                    }
                }),
                attack("posts chains of zero-length descriptors and a loop that exhaust the budget", new Attack() {
                    private int published;

                    public void launch(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b) {
                        published = exhaustingChains(a.ring(1), a.memory());
                    }

                    public boolean verify(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, LogCapture log) {
                        QueueCounters tx = d.counters("a").tx(0);
                        DaemonFixture.awaitUntil(() -> tx.drops(DropReason.BUDGET) == published,
                                "every over-budget chain taken and dropped");
                        DaemonFixture.awaitUntil(() -> a.ring(1).usedIdx() == a.ring(1).availIdx(), "all returned");
                        assertTrue(tx.budgetExceeded() >= 1);
                        assertEquals(0, tx.ringErrors(), "the ring is not broken");
                        return false;
                    }
                }));
    }

    private static Arguments attack(String name, Attack a) {
        return Arguments.of(name, a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldKeepOtherPortsForwardingWhenAFrontEndAttacks(String name, Attack attack) {
        try (LogCapture log = new LogCapture("io.vhostdma");
                DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1).start()) {
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            forward(b, B, c, C, 1);
            VhostUserFrontend warm = d.connect("a"); // a session before the baseline: lazily opened fds
            exchange(warm, A, b, B);
            d.disconnect("a", warm);
            int baseline = Fds.openCount();

            VhostUserFrontend a = d.connect("a");
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(1, 5, 0, 0), 5)), WITHIN); // vhostd learns A
            attack.launch(d, a, b);
            forward(b, B, c, C, 2); // while vhostd deals with a, b and c keep forwarding
            boolean closed = attack.verify(d, a, b, log);

            if (closed) {
                DaemonFixture.awaitUntil(() -> d.port("a").device() == null, "a's connection torn down");
                d.forget(a);
            } else {
                d.disconnect("a", a);
            }
            forward(b, B, c, C, 3); // after the attack
            VhostUserFrontend fresh = d.connect("a");
            exchange(fresh, A, b, B);
            d.disconnect("a", fresh);
            DaemonFixture.awaitUntil(() -> Fds.openCount() == baseline, "open fds back to " + baseline + " after: "
                    + name);
        }
    }

    /** b and c exchange 32 frames each way; fails unless done within 2 s. */
    private static void forward(VhostUserFrontend b, long macB, VhostUserFrontend c, long macC, long seed) {
        Flow.run(List.of(new Flow(b, c, 0, macC, macB, Frames.sizes(32, seed, 0, 0), seed),
                new Flow(c, b, 0, macB, macC, Frames.sizes(32, seed + 100, 0, 0), seed + 100)), WITHIN);
    }

    /** x sends to y, then y to x (so the switch knows x before y answers), 16 frames each, within 2 s each. */
    private static void exchange(VhostUserFrontend x, long macX, VhostUserFrontend y, long macY) {
        Flow.run(List.of(new Flow(x, y, 0, macY, macX, Frames.sizes(16, 7, 0, 0), 7)), WITHIN);
        Flow.run(List.of(new Flow(y, x, 0, macX, macY, Frames.sizes(16, 8, 0, 0), 8)), WITHIN);
    }

    /** Queues {@code n} frames from {@code from} (MAC src) to MAC dst without waiting for them. */
    private static void send(VhostUserFrontend from, long dst, long src, int n) {
        for (int i = 0; i < n; i++) {
            byte[] f = Frames.frame(dst, src, i, 128, 99);
            while (from.send(0, f) == 0) {
                from.reclaimTx(0);
                Thread.onSpinWait();
            }
        }
    }

    /** Discards the frames that reached {@code fe} (and were delivered before the last checked flow). */
    private static void drain(VhostUserFrontend fe) {
        while (fe.receive(0) != null) {
            fe.reclaimTx(0);
        }
    }

    /**
     * On TX ring {@code q}: 60 chains of 200 zero-length descriptors and a 64-byte one, and 20 chains that loop
     * through two zero-length descriptors; each needs far more descriptors walked than its frame's budget.
     */
    private static int exhaustingChains(DriverVirtqueue q, GuestMemoryImage m) {
        long buf = m.allocate(4096, 64);
        for (int i = 0; i < 200; i++) {
            q.writeDescriptor(i, buf, 0, VringDescLayout.F_NEXT, i + 1);
        }
        q.writeDescriptor(200, buf, 64, 0, 0);
        q.writeDescriptor(201, buf, 0, VringDescLayout.F_NEXT, 202);
        q.writeDescriptor(202, buf, 0, VringDescLayout.F_NEXT, 201);
        for (int i = 0; i < 60; i++) {
            q.addAvail(0);
        }
        for (int i = 0; i < 20; i++) {
            q.addAvail(201);
        }
        q.publish();
        q.kick();
        return 80;
    }
}
