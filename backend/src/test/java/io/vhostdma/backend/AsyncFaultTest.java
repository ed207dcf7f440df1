package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.dma.DmaStats;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The async path under failure, slowness and teardown: nothing lost silently, order kept, nothing crashes. */
class AsyncFaultTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    @TempDir
    Path dir;

    @Test
    void shouldDropCountAndReturnDescriptorsWhenCopiesFail() {
        int frames = 3000;
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("dma0", "sw", 4, 1024, 0.03, 0).bind("b", "rxq0", "dma0", 0).bind("a", "rxq0", "dma0", 1)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            NumberedFrames flow = new NumberedFrames(B, A, 3);
            int sent = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            PortCounters cb = d.counters("b");
            while (flow.received() + cb.rx(0).drops(DropReason.DMA_ERROR) < frames) {
                assertTrue(System.nanoTime() < deadline, "timed out: sent=" + sent + " received=" + flow.received()
                        + " drops=" + cb.rx(0).drops());
                if (sent < frames && sent - flow.received() - cb.rx(0).drops() < 32 && flow.send(a, sent)) {
                    sent++;
                }
                flow.drain(b, sent);
            }
            int received = flow.received();
            int last = flow.last();
            long dropped = cb.rx(0).drops(DropReason.DMA_ERROR);
            assertTrue(dropped > 0, "injected errors dropped some frames");
            assertTrue(received > frames / 2, "most frames arrived: " + received);
            assertTrue(last >= frames - 40, "traffic continued after the errors: last seq " + last);
            assertEquals(dropped, cb.rx(0).drops(), "every drop is a dma_error");
            assertEquals(cb.rx(0).dmaErrors(), cb.rx(0).drops(DropReason.DMA_ERROR), "one failed copy per dropped frame");
            DaemonFixture.awaitUntil(() -> a.reclaimTx(0) >= 0 && a.txInFlight(0) == 0, "a's TX chains all returned");
            DmaStats st = d.vhostd().dma().devices().get("dma0").channel(0).stats();
            assertEquals(dropped, st.errors(), "channel errors");
            assertEquals(dropped, b.counters(0).rxShort(), "b was given back every dropped frame's buffer (len 0)");
            assertEquals(st.submitted(), st.completed(), "channel drained");
            // the returned RX chains (len 0) were given back by the driver: b keeps receiving
            Flow.run(new java.util.ArrayList<>(List.of(new Flow(a, b, 0, B, A, Frames.sizes(50, 1, 0, 0), 77))), 30_000);
        }
    }

    @Test
    void shouldReleaseTxChainsInOrderWhenALaterPacketsCopiesFinishFirst() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .dma("slow", "sw", 1, 256, 0.0, 600_000).dma("fast", "cpu", 1, 256, 0.0, 0)
                .bind("b", "rxq0", "slow", 0).bind("c", "rxq0", "fast", 0)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b", "c").start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            // c introduces itself (flooded to a and b), so a's unicast to c is known
            assertEquals(1, c.send(0, Frames.frame(Frames.BROADCAST, C, 0, 64, 1)));
            awaitFrames(a, 1);
            awaitFrames(b, 1);
            long t0 = System.nanoTime();
            assertEquals(1, a.send(0, Frames.frame(Frames.BROADCAST, A, 1, 200, 1)), "flooded: slow b, fast c");
            assertEquals(1, a.send(0, Frames.frame(C, A, 2, 300, 1)), "unicast: fast c only");
            awaitFrames(c, 2); // both landed in c long before the slow channel runs
            int early = a.reclaimTx(0);
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            if (elapsedMs > 450) {
                fail("machine too slow to observe the order (" + elapsedMs + " ms of a 600 ms delay)");
            }
            assertEquals(0, early, "no TX chain returned while the first packet's slow copy is pending");
            assertEquals(2, a.txInFlight(0), "both chains still owned by the back end");
            awaitFrames(b, 1);
            DaemonFixture.awaitUntil(() -> {
                a.reclaimTx(0);
                return a.txInFlight(0) == 0;
            }, "both chains returned after the slow copy");
            assertEquals(0, d.counters("b").snapshot().totalDrops() + d.counters("c").snapshot().totalDrops(), "drops");
        }
    }

    @Test
    void shouldNotCrashAndShouldUnregisterMemoryWhenGuestDisconnectsWithCopiesInFlight() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dma("slow", "sw", 2, 256, 0.0, 300_000).bind("b", "rxq0", "slow", 0).bind("a", "rxq0", "slow", 1)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            int frames = 32;
            for (int i = 0; i < frames; i++) {
                assertEquals(1, a.send(0, Frames.frame(Frames.BROADCAST, A, i, 1000, 5)));
            }
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> cb.rx(0).dmaSubmitted() > 0, "copies submitted into b");
            assertTrue(cb.rx(0).dmaInFlight() > 0, "copies still in flight at disconnect");
            d.disconnect("b", b);
            DaemonFixture.awaitUntil(() -> cb.rx(0).packets() + cb.rx(0).drops() == frames,
                    "every frame accounted: pkts=" + cb.rx(0).packets() + " drops=" + cb.rx(0).drops());
            DmaStats st = d.vhostd().dma().devices().get("slow").channel(0).stats();
            assertEquals(st.submitted(), st.completed(), "every copy into b completed before its memory went away");
            int hb = d.vhostd().dma().domain("b").handle();
            for (Registration r : d.vhostd().dma().layer().memory().registrations()) {
                assertTrue(r.domain().handle() != hb, "b's memory is unregistered: " + r);
            }
            DaemonFixture.awaitUntil(() -> {
                a.reclaimTx(0);
                return a.txInFlight(0) == 0;
            }, "a's TX chains returned");
            // b comes back and both directions work
            VhostUserFrontend b2 = d.connect("b");
            Flow.run(new java.util.ArrayList<>(List.of(new Flow(a, b2, 0, B, A, Frames.sizes(100, 3, 0, 0), 8),
                    new Flow(b2, a, 0, A, B, Frames.sizes(100, 4, 0, 0), 9))), 30_000);
        }
    }

    @Test
    void shouldRefuseWrongTokenAndKeepPortOutsideTheGroup() {
        try (DaemonFixture d = AsyncDataPathTest.bindAll(DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .port("c", 1), "cpu", 0).group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            var access = d.vhostd().dma().access();
            try {
                access.join("c", "g", "not-the-token");
                fail("a wrong token was accepted");
            } catch (io.vhostdma.backend.dma.AccessException e) {
                assertEquals(io.vhostdma.backend.dma.AccessException.Reason.WRONG_TOKEN, e.reason());
            }
            assertEquals(1, access.refusedJoins(), "refused joins");
            assertEquals(List.of("a", "b"), access.members("g"), "members");
            for (int i = 0; i < 20; i++) {
                assertEquals(1, a.send(0, Frames.frame(Frames.BROADCAST, A, i, 300, 6)));
            }
            awaitFrames(b, 20);
            assertEquals(0, drainCount(c), "c, outside the group, saw none of the group's traffic");
            int ha = d.vhostd().dma().domain("a").handle();
            int hb = d.vhostd().dma().domain("b").handle();
            assertEquals(20L * 300, d.vhostd().dma().devices().get("dma0").channel(2).stats().bytes(ha, hb),
                    "a→b bytes, guest to guest");
            // with the right token c joins and the switch floods to it from then on
            access.join("c", "g", AsyncDataPathTest.TOKEN);
            assertEquals("g", access.groupOf("c"));
            DaemonFixture.awaitUntil(() -> d.port("c").segment() == d.port("a").segment(), "c moved into g's segment");
            assertEquals(1, a.send(0, Frames.frame(Frames.BROADCAST, A, 99, 300, 6)));
            awaitFrames(c, 1);
        }
    }

    private static void awaitFrames(VhostUserFrontend fe, int n) {
        int[] got = {0};
        DaemonFixture.awaitUntil(() -> {
            while (fe.receive(0) != null) {
                got[0]++;
            }
            return got[0] >= n;
        }, n + " frames");
        assertEquals(n, got[0], "frames received");
    }

    private static int drainCount(VhostUserFrontend fe) {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int n = 0;
        while (fe.receive(0) != null) {
            n++;
        }
        return n;
    }
}
