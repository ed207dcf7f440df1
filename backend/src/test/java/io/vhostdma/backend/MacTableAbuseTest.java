package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.forward.MacTable;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.config.MacAddresses;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile guests against the learning switch of a running daemon: one floods from 100 000 random
 * source MACs while two others exchange unicast traffic; one sends from MACs its port may not use.
 */
class MacTableAbuseTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    private static final int FLOOD = 100_000;
    private static final int C_LIMIT = 256;

    @TempDir
    Path dir;

    @Test
    void shouldKeepOtherPortsUnicastAndBoundTheTableWhenOnePortFloodsFromRandomSourceMacs() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .portOption("c", "mac-limit: " + C_LIMIT).start(); Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            DataPlaneImpl plane = d.vhostd().dataPlane();
            int aId = plane.port("a").id();
            int bId = plane.port("b").id();
            int cId = plane.port("c").id();
            // c's flood goes to C, a MAC c itself holds: every flood frame is dropped (no_destination), none reaches a or b
            assertEquals(1, c.send(0, Frames.frame(C, C, 0, 60, 1)));
            DaemonFixture.awaitUntil(() -> plane.macs().lookup(C) == cId, "C learned on c");
            Pump pump = new Pump(a, A, b, B, arena);
            assertTrue(pump.run(1_000, TimeUnit.SECONDS.toNanos(30)), "a and b exchange traffic before the flood");
            assertEquals(aId, plane.macs().lookup(A));
            assertEquals(bId, plane.macs().lookup(B));
            MemorySegment got = arena.allocate(2048);
            while (c.receive(0, got, 0, 2048) > 0) {
                // a's first frames, sent before b's MAC was learned, were flooded to c too: drop them
            }

            long workerThread = plane.threads()[0].threadId();
            long allocatedBefore = mx.getThreadAllocatedBytes(workerThread);
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> flood(c, FLOOD));
            assertTrue(pump.run(20_000, TimeUnit.SECONDS.toNanos(60)), "a and b keep exchanging traffic during the flood");
            flood.get(60, TimeUnit.SECONDS);
            QueueCounters cTx = plane.port("c").counters().tx(0);
            DaemonFixture.awaitUntil(() -> cTx.packets() == FLOOD + 1, "the flood went through c's worker");
            assertTrue(pump.run(5_000, TimeUnit.SECONDS.toNanos(30)), "a and b exchange traffic after the flood");
            long workerAllocated = mx.getThreadAllocatedBytes(workerThread) - allocatedBefore;

            assertEquals(0, pump.wrongLength(), "a's and b's frames arrived whole, in order");
            assertEquals(aId, plane.macs().lookup(A), "a's entry survived the flood");
            assertEquals(bId, plane.macs().lookup(B), "b's entry survived the flood");
            assertEquals(C_LIMIT, plane.macs().learnedCount(cId), "c holds exactly its mac-limit of entries");
            assertEquals(FLOOD - (C_LIMIT - 1), cTx.macLimitHits(), "every flood frame from a MAC over the limit counted");
            assertEquals(FLOOD + 1, cTx.drops(DropReason.NO_DESTINATION), "the flood reached nobody");
            assertEquals(0, c.receive(0, got, 0, 2048), "no unicast between a and b was flooded to c");
            assertTrue(workerAllocated < FLOOD, "the worker allocated " + workerAllocated + " bytes for "
                    + (FLOOD + 26_000) + " frames: nothing per frame");
            String line = plane.port("c").counters().snapshot().fields();
            assertTrue(line.contains(" mac_limit=" + (FLOOD - (C_LIMIT - 1))), line);
        }
    }

    @Test
    void shouldDropAndCountFramesFromOtherSourceMacsWhenPortHasAllowedMacs() throws Exception {
        long spoofed = Frames.mac(0x5);
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .portOption("a", "allowed-macs: [" + MacAddresses.format(A) + "]").start();
                Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            DataPlaneImpl plane = d.vhostd().dataPlane();
            for (int i = 0; i < 1_000; i++) {
                sendAll(a, Frames.frame(B, spoofed, i, 64, 2));
            }
            QueueCounters aTx = plane.port("a").counters().tx(0);
            DaemonFixture.awaitUntil(() -> aTx.drops(DropReason.TX_SPOOFED) == 1_000, "1000 spoofed frames counted");
            assertEquals(MacTable.UNKNOWN, plane.macs().lookup(spoofed), "a spoofed MAC is never learned");
            sendAll(a, Frames.frame(B, A, 0, 64, 3));
            MemorySegment got = arena.allocate(2048);
            DaemonFixture.awaitUntil(() -> b.receive(0, got, 0, 2048) == 64, "b received a's frame from its own MAC");
            assertEquals(0, b.receive(0, got, 0, 2048), "b received none of the spoofed frames");
            assertEquals(1_000, aTx.drops(DropReason.TX_SPOOFED));
            assertTrue(plane.port("a").counters().snapshot().fields().contains(" drop.tx_spoofed=1000"),
                    plane.port("a").counters().snapshot().fields());
            assertTrue(d.vhostd().management().queues("a").stream()
                    .anyMatch(q -> q.drops().getOrDefault("tx_spoofed", 0L) == 1_000), "the management view counts them");
        }
    }

    private static void flood(VhostUserFrontend c, int frames) {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < frames; i++) {
            long src = 0x0200_0000_0000L | random.nextLong(1L << 40); // random locally administered unicast
            sendAll(c, Frames.frame(C, src, i, 60, 4));
        }
    }

    private static void sendAll(VhostUserFrontend fe, byte[] frame) {
        while (fe.send(0, frame) == 0) {
            fe.reclaimTx(0);
            Thread.onSpinWait();
        }
    }
}
