package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;

/**
 * SET_MEM_TABLE while frames flow: rings are detached and re-attached around the swap. Frames that
 * meet a detached RX ring may be dropped (counted as rx_not_ready); every frame that arrives is
 * intact and in order, nothing is lost uncounted, and traffic continues afterwards.
 */
class MemTableSwapTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int SWAPS = 20;
    @TempDir
    Path dir;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> paths() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("CPU copies",
                        (java.util.function.UnaryOperator<DaemonFixture.Builder>) b -> b),
                org.junit.jupiter.params.provider.Arguments.of("every queue bound to a sw channel, one access group",
                        (java.util.function.UnaryOperator<DaemonFixture.Builder>) b -> AsyncDataPathTest
                                .bindAll(b, "sw", 0).group("g", AsyncDataPathTest.TOKEN, "a", "b")));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("paths")
    void shouldKeepForwardingWhenMemoryTableIsReplacedUnderTraffic(String path,
            java.util.function.UnaryOperator<DaemonFixture.Builder> setup) throws InterruptedException {
        try (DaemonFixture d = setup.apply(DaemonFixture.builder(dir).port("a", 1).port("b", 1)).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] counts = new long[2]; // [sent a->b, received at b], written by the traffic thread
            Thread traffic = Thread.ofPlatform().name("itest-traffic").start(() -> {
                try {
                    lossyTraffic(a, b, stop, counts);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            try {
                // at least SWAPS swaps, and on a loaded machine more until traffic got through during them
                long deadline = System.nanoTime() + DaemonFixture.WAIT_MILLIS * 1_000_000L;
                for (int i = 0; i < SWAPS || (counts[1] == 0 && System.nanoTime() < deadline); i++) {
                    a.client().sendMemTable(a.memory(), true); // acked only once the new table is in use
                    b.client().sendMemTable(b.memory(), true);
                }
            } finally {
                stop.set(true);
                traffic.join(DaemonFixture.WAIT_MILLIS);
            }
            if (failure.get() != null) {
                throw new AssertionError("traffic thread failed", failure.get());
            }
            assertTrue(counts[1] > 0, "frames arrived during the swaps");
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.tx(0).packets() == counts[0], "a's frames all dequeued");
            DaemonFixture.awaitUntil(() -> cb.rx(0).packets() + cb.rx(0).drops() == counts[0], "b's frames accounted");
            // a copy revoked because its memory was being replaced fails: a counted dma_error drop
            assertEquals(cb.rx(0).drops(), cb.rx(0).drops(DropReason.RX_NOT_READY)
                            + cb.rx(0).drops(DropReason.RX_NO_BUFFERS) + cb.rx(0).drops(DropReason.DMA_ERROR),
                    "drops only while a ring was away");
            assertEquals(cb.rx(0).dmaSubmitted(), cb.rx(0).dmaCompleted(), "every copy completed");
            assertEquals(0, ca.tx(0).ringErrors() + cb.rx(0).ringErrors(), "no ring was broken by the swap");
            // after the swaps, a clean run delivers everything
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(300, 1, 0, 0), 1000),
                    new Flow(b, a, 0, A, B, Frames.sizes(300, 2, 0, 0), 2000)), 30_000);
        }
    }

    /** a -> b with sequence numbers; b checks each arrival is intact and later than the previous one. */
    private static void lossyTraffic(VhostUserFrontend a, VhostUserFrontend b, AtomicBoolean stop, long[] counts) {
        byte[] got = new byte[65536];
        MemorySegment rx = MemorySegment.ofArray(got);
        int sent = 0;
        int lastSeq = -1;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!stop.get() && System.nanoTime() < deadline) {
            if (a.send(0, Frames.frame(B, A, sent, 60 + sent % 1400, 7)) == 1) {
                sent++;
                counts[0] = sent;
            } else {
                a.reclaimTx(0);
            }
            int n;
            while ((n = b.receive(0, rx, 0, got.length)) > 0) {
                int seq = ((got[14] & 0xff) << 24) | ((got[15] & 0xff) << 16) | ((got[16] & 0xff) << 8) | (got[17] & 0xff);
                if (seq <= lastSeq || seq >= sent) {
                    throw new AssertionError("out of order: seq=" + seq + " last=" + lastSeq + " sent=" + sent);
                }
                byte[] want = Frames.frame(B, A, seq, 60 + seq % 1400, 7);
                if (n != want.length || MemorySegment.mismatch(rx, 0, n, MemorySegment.ofArray(want), 0, n) != -1) {
                    throw new AssertionError("frame " + seq + " corrupted: len=" + n);
                }
                lastSeq = seq;
                counts[1]++;
            }
        }
        // let the last frames arrive (or be counted as dropped) before the main thread checks counters
        long quiet = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < quiet) {
            if (b.receive(0, rx, 0, got.length) > 0) {
                counts[1]++;
            }
            a.reclaimTx(0);
        }
    }
}
