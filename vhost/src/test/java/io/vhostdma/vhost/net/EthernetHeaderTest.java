package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetHeaderTest {

    private static final byte[] FRAME = {
        0x01, 0x00, 0x5e, 0x00, 0x00, 0x01,
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
        0x08, 0x00, 0x45};

    @Test
    void shouldReadFieldsWhenHeaderIsContiguous() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            MemorySegment.copy(MemorySegment.ofArray(FRAME), 0, seg, 3, FRAME.length);
            GatherList g = new GatherList(4);
            g.add(seg, 3, FRAME.length);
            EthernetHeader h = new EthernetHeader();
            assertTrue(h.parse(g));
            assertEquals(0x01005e000001L, h.dst());
            assertEquals(0x525400123456L, h.src());
            assertEquals(0x0800, h.etherType());
            assertTrue(EthernetHeader.isMulticast(h.dst()));
            assertFalse(EthernetHeader.isMulticast(h.src()));
        }
    }

    @Test
    void shouldReadSameFieldsWhenHeaderIsSplitAnywhere() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            MemorySegment.copy(MemorySegment.ofArray(FRAME), 0, seg, 0, FRAME.length);
            for (int cut1 = 1; cut1 < 14; cut1++) {
                for (int cut2 = cut1; cut2 < 14; cut2++) {
                    GatherList g = new GatherList(4);
                    g.add(seg, 0, cut1);
                    g.add(seg, cut1, cut2 - cut1);
                    g.add(seg, cut2, FRAME.length - cut2);
                    EthernetHeader h = new EthernetHeader();
                    assertTrue(h.parse(g));
                    assertEquals(0x01005e000001L, h.dst(), "cut " + cut1 + "/" + cut2);
                    assertEquals(0x525400123456L, h.src());
                    assertEquals(0x0800, h.etherType());
                }
            }
        }
    }

    @Test
    void shouldRejectFrameShorterThanHeader() {
        try (Arena arena = Arena.ofConfined()) {
            GatherList g = new GatherList(2);
            g.add(arena.allocate(13), 0, 13);
            assertFalse(new EthernetHeader().parse(g));
        }
    }

    @Test
    void shouldClassifyBroadcastAsMulticast() {
        assertTrue(EthernetHeader.isBroadcast(EthernetHeader.BROADCAST));
        assertTrue(EthernetHeader.isMulticast(EthernetHeader.BROADCAST));
        assertFalse(EthernetHeader.isBroadcast(0x01005e000001L));
    }
}
