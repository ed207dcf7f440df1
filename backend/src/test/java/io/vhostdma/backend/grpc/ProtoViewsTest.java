package io.vhostdma.backend.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.proto.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Views and events survive the trip to protobuf and back; nulls travel as empty strings. */
class ProtoViewsTest {
    @Test
    void shouldRoundTripEveryViewWhenConvertedToProtoAndBack() {
        assertEquals(FakeManagement.STATUS, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.STATUS)));
        assertEquals(FakeManagement.PORT, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.PORT)));
        assertEquals(FakeManagement.RXQ, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.RXQ)));
        assertEquals(FakeManagement.TXQ, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.TXQ)));
        assertEquals(FakeManagement.DEVICE, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.DEVICE)));
        assertEquals(FakeManagement.GROUP, ProtoViews.fromProto(ProtoViews.toProto(FakeManagement.GROUP)));
        assertEquals("", ProtoViews.toProto(FakeManagement.TXQ).getChannel(), "null channel travels as empty");
    }

    @Test
    void shouldRoundTripEveryEventTypeWhenConvertedToProtoAndBack() {
        List<BackendEvent> all = List.of(
                new BackendEvent.PortAdded(1, 10, "vm1", "/s", "server", 2),
                new BackendEvent.PortRemoved(2, 11, "vm1"),
                new BackendEvent.PortConnected(3, 12, "vm1"),
                new BackendEvent.PortDisconnected(4, 13, "vm1", "closed"),
                new BackendEvent.FeaturesNegotiated(5, 14, "vm1", 1L << 32, List.of("VERSION_1")),
                new BackendEvent.QueueStarted(6, 15, "vm1", "rxq0", "dma0/0"),
                new BackendEvent.QueueStarted(7, 16, "vm1", "txq0", null),
                new BackendEvent.QueueStopped(8, 17, "vm1", "rxq0"),
                new BackendEvent.BindingChanged(9, 18, "vm1", "rxq0", null, "dma0/1"),
                new BackendEvent.MembershipChanged(10, 19, "g", "vm1", "joined"),
                new BackendEvent.JoinRefused(11, 20, "g", "vm2", "wrong token"),
                new BackendEvent.DmaErrors(12, 21, "vm1", "rxq0", "dma0/0", 3, 7),
                new BackendEvent.EventsLost(13, 22, 99));
        for (BackendEvent e : all) {
            Event wire = EventMessages.toProto(e);
            assertEquals(e.type(), wire.getKindCase().name().toLowerCase(java.util.Locale.ROOT), "oneof case name");
            assertEquals(e, EventMessages.fromProto(wire));
        }
    }

    @Test
    void shouldRefuseEventWhenKindIsMissing() {
        assertThrows(IllegalArgumentException.class, () -> EventMessages.fromProto(Event.newBuilder().setSequence(4).build()));
    }
}
