package io.vhostdma.vhost.virtq;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtqIndexTest {

    @Test
    void shouldMatchModularDistanceWhenExhaustiveOverFromWithRandomSteps() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int from = 0; from <= 0xFFFF; from++) {
            int step = rnd.nextInt(0x10000);
            int to = (from + step) % 0x10000;
            assertEquals(step, VirtqIndex.distance(from, to));
            assertEquals(to, VirtqIndex.add(from, step));
            assertEquals(from, VirtqIndex.add(to, -step));
        }
    }

    /** Reference: event in [old, new) walking forward modulo 2^16 from old. */
    private static boolean crossed(int event, int newIdx, int oldIdx) {
        int span = (newIdx - oldIdx) & 0xFFFF;
        for (int k = 0; k < span; k++) {
            if (((oldIdx + k) & 0xFFFF) == event) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldAgreeWithIntervalDefinitionWhenRandomized() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            int old = rnd.nextInt(0x10000);
            int span = rnd.nextInt(600);
            int newIdx = (old + span) & 0xFFFF;
            int event = rnd.nextBoolean() ? (old + rnd.nextInt(-300, 900)) & 0xFFFF : rnd.nextInt(0x10000);
            assertEquals(crossed(event, newIdx, old), VirtqIndex.needEvent(event, newIdx, old),
                    "event=" + event + " new=" + newIdx + " old=" + old);
        }
    }

    @Test
    void shouldFireExactlyWhenEventCrossedAcrossWrap() {
        assertTrue(VirtqIndex.needEvent(0xFFFF, 1, 0xFFFE));
        assertTrue(VirtqIndex.needEvent(0, 1, 0xFFFE));
        assertFalse(VirtqIndex.needEvent(1, 1, 0xFFFE));
        assertFalse(VirtqIndex.needEvent(5, 5, 5));
        assertTrue(VirtqIndex.needEvent(5, 6, 5));
        assertEquals(10, VirtqIndex.distance(65530, 4));
    }

    @Test
    void shouldMapSlotsWhenIndexWraps() {
        for (int idx = 0; idx <= 0xFFFF; idx += 97) {
            assertEquals(idx % 256, VirtqIndex.slot(idx, 256));
        }
        assertEquals(0, VirtqIndex.slot(0xFFFF, 1));
    }
}
