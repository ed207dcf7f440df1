package io.vhostdma.backend.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.backend.dma.ChannelBindings.PortQueue;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.QueueRef;
import org.junit.jupiter.api.Test;

class ChannelBindingsTest {
    private static final ChannelRef CH = new ChannelRef("dma0", 1);
    private static final PortQueue A_RX0 = new PortQueue("a", new QueueRef(false, 0));
    private static final PortQueue B_TX0 = new PortQueue("b", new QueueRef(true, 0));

    @Test
    void shouldRefuseASecondHolderAndNameTheFirstWhenAChannelIsReservedTwice() {
        ChannelBindings b = new ChannelBindings();
        assertNull(b.reserve(CH, A_RX0));
        assertNull(b.reserve(CH, A_RX0), "the holder itself may reserve again");
        assertEquals(A_RX0, b.reserve(CH, B_TX0));
        assertEquals("a/rxq0", b.holder(CH).toString());
        b.release(CH, B_TX0);
        assertEquals(A_RX0, b.holder(CH), "only the holder releases");
        b.release(CH, A_RX0);
        assertNull(b.reserve(CH, B_TX0));
    }

    @Test
    void shouldForgetBindingsAndReleaseChannelsWhenThePortIsRemoved() {
        ChannelBindings b = new ChannelBindings();
        b.reserve(CH, A_RX0);
        b.bind(A_RX0, new io.vhostdma.backend.dataplane.ChannelBinding(null, CH, false));
        b.reserve(new ChannelRef("dma0", 2), B_TX0);
        b.removePort("a");
        assertNull(b.binding(A_RX0));
        assertNull(b.holder(CH));
        assertEquals(B_TX0, b.holder(new ChannelRef("dma0", 2)), "other ports keep theirs");
        assertEquals(PortQueue.ofRing("a", 0), A_RX0);
    }
}
