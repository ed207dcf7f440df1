package io.vhostdma.backend.grpc;

import static io.vhostdma.backend.grpc.ProtoViews.nullable;
import static io.vhostdma.backend.grpc.ProtoViews.text;

import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.proto.BindingChanged;
import io.vhostdma.backend.grpc.proto.DmaErrors;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.EventsLost;
import io.vhostdma.backend.grpc.proto.FeaturesNegotiated;
import io.vhostdma.backend.grpc.proto.JoinRefused;
import io.vhostdma.backend.grpc.proto.MembershipChanged;
import io.vhostdma.backend.grpc.proto.PortAdded;
import io.vhostdma.backend.grpc.proto.PortConnected;
import io.vhostdma.backend.grpc.proto.PortDisconnected;
import io.vhostdma.backend.grpc.proto.PortRemoved;
import io.vhostdma.backend.grpc.proto.QueueStarted;
import io.vhostdma.backend.grpc.proto.QueueStopped;
import java.util.List;

/** Converts {@link BackendEvent} records to the {@code Event} message (one {@code oneof} case each) and back. */
public final class EventMessages {
    private EventMessages() {
    }

    /** The wire message of {@code e}. */
    public static Event toProto(BackendEvent e) {
        Event.Builder b = Event.newBuilder().setSequence(e.sequence()).setTimeMillis(e.timeMillis());
        switch (e) {
            case BackendEvent.PortAdded a -> b.setPortAdded(PortAdded.newBuilder().setPort(text(a.port()))
                    .setSocket(text(a.socket())).setMode(text(a.mode())).setQueuePairs(a.queuePairs()));
            case BackendEvent.PortRemoved r -> b.setPortRemoved(PortRemoved.newBuilder().setPort(text(r.port())));
            case BackendEvent.PortConnected c -> b.setPortConnected(PortConnected.newBuilder().setPort(text(c.port())));
            case BackendEvent.PortDisconnected d -> b.setPortDisconnected(PortDisconnected.newBuilder()
                    .setPort(text(d.port())).setReason(text(d.reason())));
            case BackendEvent.FeaturesNegotiated f -> b.setFeaturesNegotiated(FeaturesNegotiated.newBuilder()
                    .setPort(text(f.port())).setFeatures(f.features()).addAllNames(f.names()));
            case BackendEvent.QueueStarted q -> b.setQueueStarted(QueueStarted.newBuilder().setPort(text(q.port()))
                    .setQueue(text(q.queue())).setChannel(text(q.channel())));
            case BackendEvent.QueueStopped q -> b.setQueueStopped(QueueStopped.newBuilder().setPort(text(q.port()))
                    .setQueue(text(q.queue())));
            case BackendEvent.BindingChanged c -> b.setBindingChanged(BindingChanged.newBuilder()
                    .setPort(text(c.port())).setQueue(text(c.queue())).setFrom(text(c.from())).setTo(text(c.to())));
            case BackendEvent.MembershipChanged m -> b.setMembershipChanged(MembershipChanged.newBuilder()
                    .setGroup(text(m.group())).setPort(text(m.port())).setChange(text(m.change())));
            case BackendEvent.JoinRefused j -> b.setJoinRefused(JoinRefused.newBuilder().setGroup(text(j.group()))
                    .setPort(text(j.port())).setReason(text(j.reason())));
            case BackendEvent.DmaErrors d -> b.setDmaErrors(DmaErrors.newBuilder().setPort(text(d.port()))
                    .setQueue(text(d.queue())).setChannel(text(d.channel())).setErrors(d.errors()).setTotal(d.total()));
            case BackendEvent.EventsLost l -> b.setEventsLost(EventsLost.newBuilder().setCount(l.count()));
        }
        return b.build();
    }

    /**
     * The record of a wire message.
     *
     * @throws IllegalArgumentException when the message carries no known event (a newer server)
     */
    public static BackendEvent fromProto(Event e) {
        long s = e.getSequence();
        long t = e.getTimeMillis();
        return switch (e.getKindCase()) {
            case PORT_ADDED -> new BackendEvent.PortAdded(s, t, e.getPortAdded().getPort(),
                    e.getPortAdded().getSocket(), e.getPortAdded().getMode(), e.getPortAdded().getQueuePairs());
            case PORT_REMOVED -> new BackendEvent.PortRemoved(s, t, e.getPortRemoved().getPort());
            case PORT_CONNECTED -> new BackendEvent.PortConnected(s, t, e.getPortConnected().getPort());
            case PORT_DISCONNECTED -> new BackendEvent.PortDisconnected(s, t, e.getPortDisconnected().getPort(),
                    e.getPortDisconnected().getReason());
            case FEATURES_NEGOTIATED -> new BackendEvent.FeaturesNegotiated(s, t, e.getFeaturesNegotiated().getPort(),
                    e.getFeaturesNegotiated().getFeatures(), List.copyOf(e.getFeaturesNegotiated().getNamesList()));
            case QUEUE_STARTED -> new BackendEvent.QueueStarted(s, t, e.getQueueStarted().getPort(),
                    e.getQueueStarted().getQueue(), nullable(e.getQueueStarted().getChannel()));
            case QUEUE_STOPPED -> new BackendEvent.QueueStopped(s, t, e.getQueueStopped().getPort(),
                    e.getQueueStopped().getQueue());
            case BINDING_CHANGED -> new BackendEvent.BindingChanged(s, t, e.getBindingChanged().getPort(),
                    e.getBindingChanged().getQueue(), nullable(e.getBindingChanged().getFrom()),
                    nullable(e.getBindingChanged().getTo()));
            case MEMBERSHIP_CHANGED -> new BackendEvent.MembershipChanged(s, t, e.getMembershipChanged().getGroup(),
                    e.getMembershipChanged().getPort(), e.getMembershipChanged().getChange());
            case JOIN_REFUSED -> new BackendEvent.JoinRefused(s, t, e.getJoinRefused().getGroup(),
                    e.getJoinRefused().getPort(), e.getJoinRefused().getReason());
            case DMA_ERRORS -> new BackendEvent.DmaErrors(s, t, e.getDmaErrors().getPort(), e.getDmaErrors().getQueue(),
                    nullable(e.getDmaErrors().getChannel()), e.getDmaErrors().getErrors(), e.getDmaErrors().getTotal());
            case EVENTS_LOST -> new BackendEvent.EventsLost(s, t, e.getEventsLost().getCount());
            case KIND_NOT_SET -> throw new IllegalArgumentException("event without a known kind: sequence=" + s);
        };
    }
}
