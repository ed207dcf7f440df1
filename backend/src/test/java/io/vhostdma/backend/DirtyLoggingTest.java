package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.DriverVirtqueue;
import io.vhostdma.vhost.frontend.FrontendLog;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.net.NetHeaderLayout;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.virtq.PackedRingLayout;
import io.vhostdma.vhost.virtq.SplitRingLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dirty-page logging (LOG_ALL + LOG_SHMFD) with the Java front end as QEMU drives it: the log bitmap holds exactly
 * the pages vhostd wrote into the receiving guest — RX buffers (frame bytes and virtio-net headers, by CPU copies or
 * DMA completions) and used rings — and nothing else; logging switched off and on again while frames flow.
 */
class DirtyLoggingTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final UnaryOperator<FrontendOptions.Builder> LOGGING = o -> o.regions(2).memorySize(8L << 20)
            .rxBufferSize(1024).txBufferSize(9216).protocolFeatures(FrontendOptions.DEFAULT_PROTOCOL_FEATURES
                    | ProtocolFeatures.bit(ProtocolFeatures.LOG_SHMFD));
    @TempDir
    Path dir;

    private DaemonFixture start(String engine) {
        DaemonFixture.Builder b = DaemonFixture.builder(dir).port("a", 1).port("b", 1);
        if (!engine.equals("none")) {
            AsyncDataPathTest.bindAll(b, engine, 0).group("tenant", AsyncDataPathTest.TOKEN, "a", "b");
        }
        return b.start();
    }

    @ParameterizedTest(name = "DMA engine {0}, {1} rings")
    @CsvSource({"none,split", "cpu,split", "sw,split", "none,packed", "cpu,packed", "sw,packed"})
    void shouldLogExactlyThePagesWrittenWhenLogAllIsOn(String engine, String layout) {
        UnaryOperator<FrontendOptions.Builder> options = layout.equals("packed")
                ? o -> LOGGING.apply(o).features(VirtioFeatures.DEFAULT | VirtioNetFeatures.RING_PACKED) : LOGGING;
        try (DaemonFixture d = start(engine)) {
            VhostUserFrontend a = d.connect("a", options);
            VhostUserFrontend b = d.connect("b", options);
            assertEquals(layout.equals("packed"), b.ring(0).packed(), "ring layout negotiated");
            try (FrontendLog log = FrontendLog.open(b)) {
                log.takeDirty(); // what the ring set-up wrote before this point is not the subject
                int[] sizes = Frames.sizes(60, 7, 6, 3000);
                int entries = sendAndAwaitUsed(d, a, b, sizes, 0);
                BitSet written = rxWrites(b, entries);
                BitSet allowed = (BitSet) written.clone();
                for (int i = 0; i < b.ringCount(); i++) {
                    allowed.or(usedRingPages(b.ring(i)));
                }
                written.or(usedWrites(b.ring(0), entries));
                BitSet dirty = log.takeDirty();
                BitSet missing = (BitSet) written.clone();
                missing.andNot(dirty);
                BitSet extra = (BitSet) dirty.clone();
                extra.andNot(allowed);
                assertTrue(missing.isEmpty(), "written pages not logged: " + missing + " dirty=" + dirty);
                assertTrue(extra.isEmpty(), "pages logged but not written: " + extra + " written=" + written);
                receiveAll(b, sizes, 0);
                if (!engine.equals("none")) {
                    PortCounters cb = d.counters("b");
                    assertEquals(cb.rx(0).dmaSubmitted(), cb.rx(0).dmaCompleted(), "copies completed");
                    assertTrue(cb.rx(0).dmaSubmitted() >= sizes.length, "frames copied by the engine");
                }
            }
        }
    }

    @Test
    void shouldSwitchLoggingOffAndOnWhileFramesFlow() throws Exception {
        try (DaemonFixture d = start("sw")) {
            VhostUserFrontend a = d.connect("a", LOGGING);
            VhostUserFrontend b = d.connect("b", LOGGING);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            int[] sizes = Frames.sizes(3000, 3, 0, 1514);
            Thread sender = Thread.ofPlatform().name("sender").start(() -> {
                for (int i = 0; i < sizes.length && !stop.get(); ) {
                    if (a.send(0, Frames.frame(B, A, i, sizes[i], 5)) == 1) {
                        sent.incrementAndGet();
                        i++;
                    } else {
                        a.reclaimTx(0);
                        Thread.onSpinWait();
                    }
                }
            });
            int received = 0;
            int[] last = {-1};
            try (FrontendLog log = FrontendLog.open(b)) {
                received = receiveUntil(b, sizes, received, 100, last);
                assertTrue(log.takeDirty().cardinality() > 0, "pages logged while on");
                log.stop();
                received = receiveUntil(b, sizes, received, 200, last); // every worker moved past the switch
                log.takeDirty();
                received = receiveUntil(b, sizes, received, 300, last);
                assertEquals(0, log.takeDirty().cardinality(), "pages logged while off");
                log.start();
                received = receiveUntil(b, sizes, received, 400, last);
                assertTrue(log.takeDirty().cardinality() > 0, "pages logged after switching on again");
                sender.join();
                PortCounters cb = d.counters("b");
                int done = received;
                DaemonFixture.awaitUntil(() -> cb.rx(0).packets() == sent.get() - drops(d),
                        "every frame sent delivered or counted as dropped");
                received = receiveUntil(b, sizes, received, (int) cb.rx(0).packets(), last);
                assertTrue(received > done, "frames after logging came back on");
            } finally {
                stop.set(true);
                sender.join();
            }
            assertEquals(sizes.length, sent.get(), "every frame sent");
            assertEquals(sizes.length, received + drops(d), "received + dropped");
        }
    }

    private static long drops(DaemonFixture d) {
        return d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops();
    }

    /** Sends frames a → b and waits until b's RX used ring holds them all; returns the used entries. */
    private static int sendAndAwaitUsed(DaemonFixture d, VhostUserFrontend a, VhostUserFrontend b, int[] sizes,
            int seed) {
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(1, a.send(0, Frames.frame(B, A, i, sizes[i], seed)), "send " + i);
        }
        PortCounters cb = d.counters("b");
        DaemonFixture.awaitUntil(() -> cb.rx(0).packets() == sizes.length, "frames delivered to b");
        DaemonFixture.awaitUntil(() -> packetsIn(b) == sizes.length, "used entries published");
        return b.ring(0).pendingUsed();
    }

    /** Packets in b's pending used entries: walked by each head buffer's num_buffers (MRG_RXBUF). */
    private static int packetsIn(VhostUserFrontend b) {
        DriverVirtqueue rx = b.ring(0);
        int n = rx.pendingUsed();
        int packets = 0;
        for (int i = 0; i < n; packets++) {
            long gpa = rx.bufferAddr(rx.peekUsedId(i));
            int buffers = b.memory().segmentOf(gpa, 12).get(ValueLayout.JAVA_SHORT_UNALIGNED,
                    b.memory().offsetOf(gpa) + NetHeaderLayout.NUM_BUFFERS) & 0xffff;
            if (buffers == 0) {
                return -1;
            }
            i += buffers;
        }
        return packets;
    }

    /** Pages of the RX buffers the back end wrote: each pending used entry's buffer, up to its used length. */
    private static BitSet rxWrites(VhostUserFrontend b, int entries) {
        DriverVirtqueue rx = b.ring(0);
        BitSet pages = new BitSet();
        for (int i = 0; i < entries; i++) {
            int id = rx.peekUsedId(i);
            int len = rx.peekUsedLen(i);
            if (len > 0) {
                long gpa = rx.bufferAddr(id);
                pages.set((int) (gpa / FrontendLog.PAGE), (int) ((gpa + len - 1) / FrontendLog.PAGE) + 1);
            }
        }
        return pages;
    }

    /**
     * Pages the back end may write in ring {@code q}'s own memory: the used ring (elements, flags, idx and
     * avail_event), or for a packed ring its descriptor ring (used descriptors) and device event area.
     */
    private static BitSet usedRingPages(DriverVirtqueue q) {
        BitSet pages = new BitSet();
        if (q.packed()) {
            setPages(pages, q.descGpa(), PackedRingLayout.descRingBytes(q.size()));
            setPages(pages, q.usedGpa(), PackedRingLayout.EVENT_SIZE);
        } else {
            setPages(pages, q.usedGpa(), SplitRingLayout.usedBytes(q.size()) + SplitRingLayout.AVAIL_ENTRY_SIZE);
        }
        return pages;
    }

    /**
     * Pages the back end surely wrote in ring {@code q} for {@code entries} used entries of one descriptor each:
     * the used ring, or the first {@code entries} slots of a packed descriptor ring (the first lap).
     */
    private static BitSet usedWrites(DriverVirtqueue q, int entries) {
        if (!q.packed()) {
            return usedRingPages(q);
        }
        BitSet pages = new BitSet();
        setPages(pages, q.descGpa(), (long) entries * PackedRingLayout.DESC_SIZE);
        return pages;
    }

    private static void setPages(BitSet pages, long gpa, long len) {
        pages.set((int) (gpa / FrontendLog.PAGE), (int) ((gpa + len - 1) / FrontendLog.PAGE) + 1);
    }

    private static void receiveAll(VhostUserFrontend b, int[] sizes, int seed) {
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(Frames.frame(B, A, i, sizes[i], seed), b.receive(0), "frame " + i);
        }
    }

    /**
     * Receives frames on b until {@code until} arrived in total (the phases ask for 100 frames each: the sender
     * outruns this checking receiver, so most of the 3000 frames may be dropped, and the last phase must still fill); each must be intact and later in the sequence than
     * the one before (a frame b's full RX ring could not take is dropped and counted by vhostd). Returns the count;
     * {@code last[0]} is the last sequence number seen.
     */
    private static int receiveUntil(VhostUserFrontend b, int[] sizes, int received, int until, int[] last) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int n = received;
        while (n < until) {
            assertTrue(System.nanoTime() < deadline, "frames stopped arriving: received=" + n);
            if (!b.awaitRx(0, 100_000_000L)) {
                continue;
            }
            byte[] f;
            while (n < until && (f = b.receive(0)) != null) {
                int seq = ((f[14] & 0xff) << 24) | ((f[15] & 0xff) << 16) | ((f[16] & 0xff) << 8) | (f[17] & 0xff);
                assertTrue(seq > last[0] && seq < sizes.length, "frame out of order: seq=" + seq + " last=" + last[0]);
                assertArrayEquals(Frames.frame(B, A, seq, sizes[seq], 5), f, "frame " + seq);
                last[0] = seq;
                n++;
            }
        }
        return n;
    }
}
