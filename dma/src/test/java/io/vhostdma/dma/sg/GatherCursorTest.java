package io.vhostdma.dma.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatherCursorTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment a = arena.allocate(256);
    private final MemorySegment b = arena.allocate(256);
    private final GatherCursor cursor = new GatherCursor();

    @AfterEach
    void close() {
        arena.close();
    }

    private static GatherList list(MemorySegment s, int... lengths) {
        GatherList l = new GatherList(8);
        long off = 0;
        for (int len : lengths) {
            l.add(s, off, len);
            off += len + 1; // a gap between ranges: offsets must be followed, not assumed contiguous
        }
        return l;
    }

    @Test
    void shouldSplitPiecesAtEveryBoundaryOfEitherSideWhenWalkingTwoLists() {
        GatherList src = list(a, 10, 20);
        GatherList dst = list(b, 15, 15);
        int[] pieces = new int[4];
        long[] dstOffsets = new long[4];
        int n = 0;
        cursor.start(src, 0, dst, 0, 30);
        for (int len; (len = cursor.next()) > 0; n++) {
            pieces[n] = len;
            dstOffsets[n] = cursor.dstOffset();
        }
        assertArrayEquals(new int[] {10, 5, 15, 0}, pieces);
        assertArrayEquals(new long[] {0, 10, 16, 0}, dstOffsets);
        assertEquals(3, cursor.pieces(src, 0, dst, 0, 30));
    }

    @Test
    void shouldHonourSkipsAndStopAtTheShorterListWhenCopying() {
        for (int i = 0; i < 256; i++) {
            a.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        GatherList src = list(a, 10, 20); // bytes 0..9 and 11..30
        GatherList dst = list(b, 8, 8);
        assertEquals(16, cursor.copy(src, 4, dst, 0, 100), "the destination ends first");
        assertEquals(4, b.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(9, b.get(ValueLayout.JAVA_BYTE, 5));
        assertEquals(11, b.get(ValueLayout.JAVA_BYTE, 6), "the source's second range follows its first");
        assertEquals(16, b.get(ValueLayout.JAVA_BYTE, 9 + 3), "the destination's second range starts after the gap");
        assertEquals(0, cursor.copy(src, 30, dst, 0, 10), "skipping the whole source leaves nothing");
    }

    @Test
    void shouldSliceOneListWhenTheDestinationIsAbsent() {
        GatherList src = list(a, 10, 20, 5);
        GatherList out = new GatherList(4);
        assertTrue(out.addSlice(src, 12, 20, cursor));
        assertEquals(2, out.count());
        assertSame(a, out.segment(0));
        assertEquals(11 + 2, out.offset(0));
        assertEquals(18, out.length(0));
        assertEquals(2, out.length(1));
        assertEquals(20, out.totalBytes());
        GatherList tiny = new GatherList(1);
        assertFalse(tiny.addSlice(src, 0, 35, cursor), "a list that fills up reports it");
    }
}
