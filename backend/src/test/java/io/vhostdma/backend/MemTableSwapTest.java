package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.GuestMemoryImage;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.MemoryRegionLayout;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import io.vhostdma.vhost.protocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * SET_MEM_TABLE replacing the memory table while frames flow. The swaps alternate between the front end's own table
 * (one region) and the same memory described as two regions (its memfd twice, the second at an mmap offset: the
 * layout changes, nothing moves, as when QEMU splits a region), so every swap replaces the back end's mappings (an
 * identical table is ignored). Rings are detached and re-attached around each swap: frames that meet a detached RX
 * ring may be dropped (counted), every frame that arrives is intact and in order, nothing is lost uncounted, by the
 * time a swap is acknowledged the copies in flight on the old table are done, the old table is unmapped and the fds
 * each table carried are closed, and traffic continues afterwards.
 */
class MemTableSwapTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int SWAPS = 20;
    /** The sw engine's delay before it runs submitted copies, in the test of a swap meeting copies in flight. */
    private static final int SLOW_COPY_US = 300_000;
    private static final int IN_FLIGHT = 8;
    /** The name of every front end's guest memfd (one region). */
    private static final String MEMFD = "/memfd:vhost-frontend-ram0 ";
    @TempDir
    Path dir;

    static Stream<org.junit.jupiter.params.provider.Arguments> paths() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("CPU copies",
                        (java.util.function.UnaryOperator<DaemonFixture.Builder>) b -> b),
                // the engine runs copies 200 µs after it sees them: swaps meet copies in flight on the old table
                org.junit.jupiter.params.provider.Arguments.of("every queue bound to a sw channel, one access group",
                        (java.util.function.UnaryOperator<DaemonFixture.Builder>) b -> AsyncDataPathTest
                                .bindAll(b, "sw", 200).group("g", AsyncDataPathTest.TOKEN, "a", "b")));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("paths")
    void shouldKeepForwardingWhenMemoryTableIsReplacedUnderTraffic(String path,
            java.util.function.UnaryOperator<DaemonFixture.Builder> setup) throws InterruptedException {
        try (DaemonFixture d = setup.apply(DaemonFixture.builder(dir).port("a", 1).port("b", 1)).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            long splitA = splitPoint(a);
            long splitB = splitPoint(b);
            long mapped = mappedBytes();
            long fds = memfdFds();
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
                // at least SWAPS swaps, on a loaded machine more until traffic got through during them; an even
                // number, so that both ports end on their own tables
                long deadline = System.nanoTime() + DaemonFixture.WAIT_MILLIS * 1_000_000L;
                for (int i = 0; i < SWAPS || i % 2 == 1 || (counts[1] == 0 && System.nanoTime() < deadline); i++) {
                    boolean split = i % 2 == 0;
                    swap(a, split ? splitA : 0); // acknowledged only once the new table is in use
                    swap(b, split ? splitB : 0);
                    // the back end maps each region of a table from file offset 0 to the region's end
                    long extra = split ? offset(a, splitA) + offset(b, splitB) : 0;
                    assertEquals(mapped + extra, mappedBytes(), "only the new tables are mapped after swap " + i);
                    assertEquals(fds, memfdFds(), "the fds of each table were closed once mapped: swap " + i);
                }
            } finally {
                stop.set(true);
                traffic.join(DaemonFixture.WAIT_MILLIS);
            }
            if (failure.get() != null) {
                throw new AssertionError("traffic thread failed", failure.get());
            }
            assertTrue(counts[1] > 0, "frames arrived during the swaps");
            assertAccounted(d, counts[0]);
            // after the swaps, a clean run delivers everything
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(300, 1, 0, 0), 1000),
                    new Flow(b, a, 0, A, B, Frames.sizes(300, 2, 0, 0), 2000)), 30_000);
        }
    }

    /**
     * Copies out of a's memory into b's RX ring wait in the sw engine (it runs them {@link #SLOW_COPY_US} after they
     * were submitted) while a replaces its table: the swap's acknowledgement comes only once those copies are done
     * (each frame reached b intact, or its copy failed against the revoked memory: a counted dma_error drop) and the
     * old table is unmapped.
     */
    @org.junit.jupiter.api.Test
    void shouldFinishTheCopiesInFlightOnTheOldTableBeforeAcknowledgingWhenTheSourceSwaps() {
        try (DaemonFixture d = AsyncDataPathTest.bindAll(DaemonFixture.builder(dir).port("a", 1).port("b", 1), "sw",
                SLOW_COPY_US).group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            long split = splitPoint(a);
            long mapped = mappedBytes();
            long fds = memfdFds();
            QueueCounters rx = d.counters("b").rx(0);
            for (int seq = 0; seq < IN_FLIGHT; seq++) {
                assertEquals(1, a.send(0, Frames.frame(B, A, seq, 200 + seq, 3)));
            }
            DaemonFixture.awaitUntil(() -> rx.dmaSubmitted() == IN_FLIGHT, "copies from a's memory submitted");
            swap(a, split);
            assertEquals(IN_FLIGHT, rx.dmaCompleted(), "the copies reading a's old table were done before the ack");
            assertEquals(mapped + offset(a, split), mappedBytes(), "a's old table unmapped when the swap was acked");
            assertEquals(fds, memfdFds(), "the swap's fds closed once mapped");
            int received = 0;
            byte[] got;
            while ((got = b.receive(0)) != null) {
                int seq = got[17] & 0xff;
                assertArrayEquals(Frames.frame(B, A, seq, 200 + seq, 3), got, "frame " + seq + " intact");
                received++;
            }
            assertEquals(IN_FLIGHT, received + rx.drops(DropReason.DMA_ERROR), "every frame delivered or counted");
            assertEquals(rx.drops(), rx.drops(DropReason.DMA_ERROR), "no other drops");
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(100, 1, 0, 0), 1000)), 30_000);
        }
    }

    /** Every frame a sent was dequeued and either reached b or was dropped for a reason a swap explains. */
    private static void assertAccounted(DaemonFixture d, long sent) {
        PortCounters ca = d.counters("a");
        PortCounters cb = d.counters("b");
        DaemonFixture.awaitUntil(() -> ca.tx(0).packets() == sent, "a's frames all dequeued");
        DaemonFixture.awaitUntil(() -> cb.rx(0).packets() + cb.rx(0).drops() == sent, "b's frames accounted");
        // a copy revoked because its memory was being replaced fails: a counted dma_error drop
        assertEquals(cb.rx(0).drops(), cb.rx(0).drops(DropReason.RX_NOT_READY)
                        + cb.rx(0).drops(DropReason.RX_NO_BUFFERS) + cb.rx(0).drops(DropReason.DMA_ERROR),
                "drops only while a ring was away");
        assertEquals(cb.rx(0).dmaSubmitted(), cb.rx(0).dmaCompleted(), "every copy completed");
        assertEquals(0, ca.tx(0).ringErrors() + cb.rx(0).ringErrors(), "no ring was broken by the swaps");
    }

    /** Reserves one page of {@code fe}'s memory: every ring and buffer allocated so far lies below it. */
    private static long splitPoint(VhostUserFrontend fe) {
        assertEquals(1, fe.memory().regionCount());
        return fe.memory().allocate(4096, 4096);
    }

    /** The offset of guest address {@code gpa} in {@code fe}'s memfd. */
    private static long offset(VhostUserFrontend fe, long gpa) {
        return gpa - fe.memory().guestPhysAddr(0);
    }

    /**
     * SET_MEM_TABLE (acknowledged) with {@code fe}'s own table ({@code split} 0), or with its one region described as
     * two that meet at guest address {@code split}: the same addresses, the second region at an mmap offset.
     */
    private static void swap(VhostUserFrontend fe, long split) {
        assertTrue(fe.client().replyAck(), "REPLY_ACK negotiated: the swap is acknowledged");
        if (split == 0) {
            fe.client().sendMemTable(fe.memory(), true);
            return;
        }
        GuestMemoryImage m = fe.memory();
        long low = offset(fe, split);
        MemorySegment p = fe.client().channel().stagingPayload();
        p.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 2);
        p.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 0);
        region(p, 0, m.guestPhysAddr(0), low, m.userAddr(0), 0);
        region(p, 1, split, m.regionSize() - low, m.userAddr(0) + low, low);
        int size = MemoryRegionLayout.TABLE_HEADER_BYTES + 2 * MemoryRegionLayout.BYTES;
        fe.client().channel().sendPrepared(Request.SET_MEM_TABLE,
                MessageHeaderLayout.VERSION | MessageHeaderLayout.FLAG_NEED_REPLY, size, size,
                new int[] {m.fd(0), m.fd(0)}, 2);
        assertEquals(0, fe.client().expectReply(Request.SET_MEM_TABLE, 8).u64(), "split table accepted");
    }

    private static void region(MemorySegment p, int i, long gpa, long size, long uva, long mmapOffset) {
        long r = MemoryRegionLayout.TABLE_HEADER_BYTES + (long) MemoryRegionLayout.BYTES * i;
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.GPA, gpa);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.SIZE, size);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.UVA, uva);
        p.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.MMAP_OFFSET, mmapOffset);
    }

    /** Bytes of guest memfds mapped in this process (the front ends' own mappings and the back end's). */
    private static long mappedBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains(MEMFD)).mapToLong(l -> {
                String[] range = l.substring(0, l.indexOf(' ')).split("-");
                return Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Open fds of guest memfds in this process. */
    private static long memfdFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return (Files.readSymbolicLink(fd) + " ").contains(MEMFD);
                } catch (IOException gone) {
                    return false; // closed meanwhile (the listing's own fd)
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
