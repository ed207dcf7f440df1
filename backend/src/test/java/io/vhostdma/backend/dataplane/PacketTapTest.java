package io.vhostdma.backend.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tap's offload mode (runs of slots for frames larger than a slot, offload fields kept per position) and the
 * lending bound counted from the positions whose chains went back.
 */
class PacketTapTest {
    private static final int SLOT = PacketTap.SLOT_BYTES;
    private final Arena arena = Arena.ofAuto();

    /** A frame of {@code len} bytes (pattern from {@code seed}) in {@code pieces} native buffers. */
    private GatherList frame(int len, int seed, int pieces) {
        GatherList g = new GatherList(pieces);
        int per = (len + pieces - 1) / pieces;
        for (int at = 0, p = 0; at < len; at += per, p++) {
            int n = Math.min(per, len - at);
            MemorySegment s = arena.allocate(n);
            for (int i = 0; i < n; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) (at + i + seed * 31));
            }
            g.add(s, 0, n);
        }
        return g;
    }

    private static byte[] bytes(GatherList g) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) g.totalBytes()]);
        g.copyTo(s, 0);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /** The bytes of a frame published in the tap's own memory (a copied frame). */
    private static byte[] published(PacketTap t, long position) {
        MemorySegment m = t.memory(0);
        return m.asSlice(t.address(0, position) - m.address(), t.length(0, position)).toArray(ValueLayout.JAVA_BYTE);
    }

    private static List<Integer> fields(OffloadHeader h) {
        return List.of(h.flags(), h.gsoType(), h.hdrLen(), h.gsoSize(), h.csumStart(), h.csumOffset());
    }

    @Test
    void shouldRunIntoSpareSlotsWithoutWrappingWhenOffloadFrameIsLargerThanSlot() {
        try (PacketTap t = new PacketTap(1, 16, false, true)) {
            for (int i = 0; i < 14; i++) {
                assertTrue(t.offer(0, frame(100, i, 1), 100));
            }
            t.releaseUpTo(0, 14);
            GatherList big = frame(60_000, 7, 3);
            OffloadHeader tso = new OffloadHeader().set(1, OffloadHeader.GSO_TCPV4, 54, 1448, 34, 16);
            assertTrue(t.offer(0, big, 60_000, tso), "a 60 KB frame taken whole");
            assertEquals(20, t.published(0), "it takes a run of 6 positions");
            assertEquals(6, t.span(0, 14));
            assertEquals(t.memory(0).address() + 14L * SLOT, t.address(0, 14), "from slot 14 on into the spare slots");
            assertEquals(fields(tso), fields(t.offload(0, 14)), "its fields kept");
            GatherList small = frame(500, 9, 1);
            assertTrue(t.offer(0, small, 500, null), "the next frame wraps to slot 4");
            assertEquals(t.memory(0).address() + 4L * SLOT, t.address(0, 20));
            assertEquals(List.of(0, 0, 0, 0, 0, 0), fields(t.offload(0, 20)), "no fields: plain");
            assertArrayEquals(bytes(big), published(t, 14), "the run's bytes are intact");
            assertArrayEquals(bytes(small), published(t, 20));
            assertTrue(t.offer(0, frame(60_000, 1, 1), 60_000, tso), "positions 21..26: 13 of 16 used");
            assertFalse(t.offer(0, frame(60_000, 1, 1), 60_000, tso), "a run of 6 more does not fit");
            assertTrue(t.offer(0, frame(100, 1, 1), 100, null), "a single slot still does");
        }
    }

    @Test
    void shouldRefuseFrameLargerThanSlotWhenTapDoesNotKeepOffloads() {
        try (PacketTap t = new PacketTap(1, 16)) {
            assertFalse(t.offer(0, frame(SLOT + 1, 1, 1), SLOT + 1), "receiver_full, as before");
            assertTrue(t.offer(0, frame(SLOT, 1, 1), SLOT));
            assertEquals(1, t.span(0, 0));
            assertNull(t.offload(0, 0), "no fields kept");
        }
        new PacketTap(1, 1, true).close(); // one slot is enough without runs
        assertThrows(IllegalArgumentException.class, () -> new PacketTap(1, 4, false, true), "a run needs 7 slots");
    }

    @Test
    void shouldLendOnePieceInPlaceAndCopyManyPiecesIntoRunWhenKeepingOffloads() {
        try (PacketTap t = new PacketTap(1, 16, true, true)) {
            OffloadHeader csum = new OffloadHeader().set(1, 0, 0, 0, 34, 6);
            Chain inPlace = new Chain();
            GatherList one = frame(50_000, 3, 1);
            assertEquals(PacketTap.LENT, t.lend(0, one, 50_000, inPlace, csum));
            assertEquals(one.address(0), t.address(0, 0), "lent in the guest's buffer");
            assertEquals(2, inPlace.holds, "the chain held by the tap");
            Chain copied = new Chain();
            GatherList many = frame(30_000, 4, 4);
            assertEquals(PacketTap.COPIED, t.lend(0, many, 30_000, copied, csum));
            assertEquals(3, t.span(0, 1), "copied into a run of 3 slots");
            assertEquals(4, t.published(0));
            assertArrayEquals(bytes(many), published(t, 1));
            assertEquals(fields(csum), fields(t.offload(0, 1)));
            assertEquals(1, copied.holds, "a copied frame's chain is not held");
        }
    }

    @Test
    void shouldNotReuseLentPositionWhenConsumerFreedItButItsChainWasNotGivenBackYet() {
        try (PacketTap t = new PacketTap(1, 8, true)) {
            Chain[] chains = new Chain[8];
            for (int i = 0; i < 8; i++) {
                chains[i] = new Chain();
                assertEquals(PacketTap.LENT, t.lend(0, frame(100, i, 1), 100, chains[i]));
                chains[i].release(false, null); // the taker's claim ends; the tap's hold remains
            }
            t.releaseUpTo(0, 8); // the consumer is done with all of them; the worker did not reclaim yet
            assertEquals(PacketTap.FULL, t.lend(0, frame(100, 9, 1), 100, new Chain(), null),
                    "position 8 reuses slot 0, whose chain is still held");
            assertEquals(8, t.reclaim(0, null));
            for (Chain c : chains) {
                assertEquals(1, c.given, "every chain given back once");
            }
            assertEquals(PacketTap.LENT, t.lend(0, frame(100, 9, 1), 100, new Chain(), null));
        }
    }

    /** A chain's hold: counts how often it went back. */
    private static final class Chain extends Hold {
        int given;

        Chain() {
            holds = 1; // the taker's claim
        }

        @Override
        void lastReleased(DirtyList dirty) {
            given++;
        }
    }
}
