package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vhostdma.backend.reactive.LendingStats;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import io.vhostdma.vhost.protocol.Request;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-copy receive ({@code receiveLent}): a batch views the guest's own TX buffers, whose descriptors go back only
 * at release; the lending bound back-pressures the guest; the backend invalidates lent batches (access throws, the
 * descriptors go back) when the ring stops, the memory table changes and the guest disconnects.
 */
class ReactiveLendTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    /** A receiver that keeps every lent batch it gets (never releases on its own). */
    private static final class Holder {
        final List<PacketBatch> batches = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Cancellable sub;

        Holder(VhostBackend backend, String port) {
            sub = backend.receiveLent(port).subscribe().with(this::add, failure::set);
        }

        private synchronized void add(PacketBatch b) {
            batches.add(b);
        }

        synchronized int frames() {
            return batches.stream().mapToInt(PacketBatch::size).sum();
        }

        synchronized List<PacketBatch> all() {
            return new ArrayList<>(batches);
        }
    }

    private ReactiveFixture start() {
        return new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).port("b", 1).config());
    }

    private static List<byte[]> sendFrames(VhostUserFrontend a, int count, int seed) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] f = Frames.frame(B, A, i, 60 + (i * 37) % 1400, seed);
            ReactiveFixture.send(a, f);
            sent.add(f);
        }
        return sent;
    }

    private static List<byte[]> bytes(List<PacketBatch> batches) {
        List<byte[]> out = new ArrayList<>();
        for (PacketBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                out.add(b.toArray(i));
            }
        }
        return out;
    }

    @Test
    void shouldLendIntactBytesAndReturnDescriptorsOnlyWhenReleased() {
        try (ReactiveFixture f = start(); Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = f.connect("a");
            f.connect("b");
            Holder h = new Holder(f.backend, "a");
            List<byte[]> sent = sendFrames(a, 40, 5);
            ReactiveFixture.awaitUntil(() -> h.frames() == 40, "40 lent frames");
            List<PacketBatch> batches = h.all();
            List<byte[]> got = bytes(batches);
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            }
            PacketBatch first = batches.get(0);
            assertTrue(first.isLent());
            MemorySegment dst = arena.allocate(2048);
            first.copyTo(0, dst, 0);
            assertArrayEquals(sent.get(0), dst.asSlice(0, first.length(0)).toArray(ValueLayout.JAVA_BYTE));
            a.reclaimTx(0);
            assertEquals(40, a.txInFlight(0), "descriptors held while lent");
            LendingStats s = f.backend.lending("a");
            assertEquals(40, s.framesOutstanding());
            // released out of order: nothing goes back until the oldest batch is released
            for (int i = batches.size() - 1; i >= 0; i--) {
                batches.get(i).release();
            }
            ReactiveFixture.awaitUntil(() -> {
                a.reclaimTx(0);
                return a.txInFlight(0) == 0;
            }, "descriptors returned after release");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.toArray(0));
            assertTrue(e.getMessage().contains("released"), e.getMessage());
            assertEquals(0, f.backend.lending("a").framesOutstanding());
            assertNull(h.failure.get());
            h.sub.cancel();
        }
    }

    @Test
    void shouldBackPressureGuestAndCountStallWhenLendingBoundIsReached() {
        try (ReactiveFixture f = start()) {
            VhostUserFrontend a = f.connect("a", o -> o.ringSize(512));
            f.connect("b");
            Holder h = new Holder(f.backend, "a");
            int total = VhostBackend.LEND_SLOTS + 60;
            List<byte[]> sent = sendFrames(a, total, 9); // fits the guest's ring: the worker stops taking at the bound
            ReactiveFixture.awaitUntil(() -> h.frames() == VhostBackend.LEND_SLOTS
                    && f.backend.lending("a").stalls() > 0, "the bound reached and counted");
            assertEquals(VhostBackend.LEND_SLOTS, f.backend.lending("a").framesOutstanding());
            assertEquals(0, f.counters("a").snapshot().totalDrops(), "back-pressure drops nothing");
            h.all().forEach(PacketBatch::release);
            ReactiveFixture.awaitUntil(() -> h.frames() == total, "the rest lent after the release");
            List<byte[]> got = bytes(h.all().subList(h.all().size() - countBatchesAfter(h, VhostBackend.LEND_SLOTS),
                    h.all().size()));
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(sent.get(VhostBackend.LEND_SLOTS + i), got.get(i), "frame after the bound " + i);
            }
            h.sub.cancel();
        }
    }

    private static int countBatchesAfter(Holder h, int frames) {
        int seen = 0;
        int n = 0;
        for (PacketBatch b : h.all()) {
            if (seen >= frames) {
                n++;
            }
            seen += b.size();
        }
        return n;
    }

    @Test
    void shouldInvalidateLentBatchAndReturnChainsWhenRingStops() {
        invalidated(a -> assertEquals(12, a.client().getVringBase(1), "GET_VRING_BASE answered (chains returned)"));
    }

    @Test
    void shouldInvalidateLentBatchWhenMemoryTableChanges() {
        // the same regions at other guest-physical addresses: a new mapping (an identical table is ignored)
        invalidated(a -> {
            MemorySegment p = a.client().channel().stagingPayload();
            int size = a.memory().writeMemTable(p, 0);
            p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, p.get(ValueLayout.JAVA_LONG_UNALIGNED, 8) + (1L << 40));
            int[] fds = new int[a.memory().regionCount()];
            for (int i = 0; i < fds.length; i++) {
                fds[i] = a.memory().fd(i);
            }
            a.client().channel().sendPrepared(Request.SET_MEM_TABLE, MessageHeaderLayout.VERSION, size, size, fds,
                    fds.length);
        });
    }

    @Test
    void shouldInvalidateLentBatchWithoutCrashWhenGuestDisconnects() {
        invalidated(VhostUserFrontend::close);
    }

    /** Holds 12 lent frames, runs {@code event} on a's front end: the batches become invalid and stop being held. */
    private void invalidated(Consumer<VhostUserFrontend> event) {
        try (ReactiveFixture f = start()) {
            VhostUserFrontend a = f.connect("a");
            f.connect("b");
            Holder h = new Holder(f.backend, "a");
            sendFrames(a, 12, 3);
            ReactiveFixture.awaitUntil(() -> h.frames() == 12, "12 lent frames");
            List<PacketBatch> held = h.all();
            assertTrue(held.get(0).isValid());
            event.accept(a);
            ReactiveFixture.awaitUntil(() -> f.backend.lending("a").framesOutstanding() == 0,
                    "invalidated batches no longer held");
            for (PacketBatch b : held) {
                assertFalse(b.isValid());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.toArray(0));
                assertTrue(e.getMessage().contains("invalidated"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> b.copyTo(0, MemorySegment.ofArray(new byte[2048]), 0));
            }
            LendingStats s = f.backend.lending("a");
            assertTrue(s.revokes() >= 1, "revokes " + s);
            assertEquals(12, s.invalidatedFrames(), "frames invalidated before release " + s);
            held.get(0).release(); // harmless after invalidation
            assertNull(h.failure.get());
            h.sub.cancel();
        }
    }
}
