package io.vhostdma.backend.grpc;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.control.RegionView;
import io.vhostdma.backend.control.StatusView;
import io.vhostdma.backend.control.WorkerView;
import io.vhostdma.backend.grpc.proto.Channel;
import io.vhostdma.backend.grpc.proto.Device;
import io.vhostdma.backend.grpc.proto.Group;
import io.vhostdma.backend.grpc.proto.Port;
import io.vhostdma.backend.grpc.proto.Queue;
import io.vhostdma.backend.grpc.proto.Region;
import io.vhostdma.backend.grpc.proto.Status;
import io.vhostdma.backend.grpc.proto.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts the management view records to their protobuf messages and back. Strings the view may
 * leave null (a queue's channel, a port's group) travel as the empty string and come back as null;
 * maps come back sorted by key.
 */
public final class ProtoViews {
    private ProtoViews() {
    }

    static String text(String s) {
        return s == null ? "" : s;
    }

    static String nullable(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The status message. */
    public static Status toProto(StatusView s) {
        Status.Builder b = Status.newBuilder().setVersion(text(s.version())).setStartedMillis(s.startedMillis())
                .setUptimeMillis(s.uptimeMillis()).setForwarding(text(s.forwarding())).setPorts(s.ports())
                .addAllEngines(s.engines()).setRefusedJoins(s.refusedJoins());
        for (WorkerView w : s.workers()) {
            b.addWorkers(Worker.newBuilder().setId(w.id()).setCpu(w.cpu()).setRings(w.rings()).setPackets(w.packets())
                    .setBusyCycles(w.busyCycles()).setIdleCycles(w.idleCycles()).setSleeps(w.sleeps())
                    .setBusyRatio(w.busyRatio()));
        }
        return b.build();
    }

    /** The status view. */
    public static StatusView fromProto(Status s) {
        List<WorkerView> workers = new ArrayList<>();
        for (Worker w : s.getWorkersList()) {
            workers.add(new WorkerView(w.getId(), w.getCpu(), w.getRings(), w.getPackets(), w.getBusyCycles(),
                    w.getIdleCycles(), w.getSleeps(), w.getBusyRatio()));
        }
        return new StatusView(s.getVersion(), s.getStartedMillis(), s.getUptimeMillis(), s.getForwarding(),
                s.getPorts(), List.copyOf(workers), List.copyOf(s.getEnginesList()), s.getRefusedJoins());
    }

    /** The port message. */
    public static Port toProto(PortView p) {
        Port.Builder b = Port.newBuilder().setName(text(p.name())).setSocket(text(p.socket())).setMode(text(p.mode()))
                .setState(text(p.state())).setFeatures(p.features()).addAllFeatureNames(p.featureNames())
                .setQueuePairs(p.queuePairs()).setGroup(text(p.group())).setDomainHandle(p.domainHandle())
                .setMemoryKind(text(p.memoryKind()));
        for (RegionView r : p.regions()) {
            b.addRegions(Region.newBuilder().setGuestPhysAddr(r.guestPhysAddr()).setSize(r.size())
                    .setHostAddr(r.hostAddr()).setKind(text(r.kind())));
        }
        return b.build();
    }

    /** The port view. */
    public static PortView fromProto(Port p) {
        List<RegionView> regions = new ArrayList<>();
        for (Region r : p.getRegionsList()) {
            regions.add(new RegionView(r.getGuestPhysAddr(), r.getSize(), r.getHostAddr(), r.getKind()));
        }
        return new PortView(p.getName(), p.getSocket(), p.getMode(), p.getState(), p.getFeatures(),
                List.copyOf(p.getFeatureNamesList()), p.getQueuePairs(), nullable(p.getGroup()), p.getDomainHandle(),
                nullable(p.getMemoryKind()), List.copyOf(regions));
    }

    /** The queue message. */
    public static Queue toProto(QueueView q) {
        return Queue.newBuilder().setPort(text(q.port())).setQueue(text(q.queue())).setRingIndex(q.ringIndex())
                .setStarted(q.started()).setWorker(q.worker()).setChannel(text(q.channel())).setPackets(q.packets())
                .setBytes(q.bytes()).putAllDrops(q.drops()).setRingErrors(q.ringErrors())
                .setDmaSubmitted(q.dmaSubmitted()).setDmaCompleted(q.dmaCompleted()).setDmaErrors(q.dmaErrors())
                .setDmaInFlight(q.dmaInFlight()).setDmaUnsealedFallbacks(q.dmaUnsealedFallbacks())
                .setMacLimit(q.macLimit()).setMacTableFull(q.macTableFull()).setNotifyDropped(q.notifyDropped())
                .setBudgetExceeded(q.budgetExceeded()).setCsumFixups(q.csumFixups()).setGsoSegmented(q.gsoSegmented())
                .setGsoFrames(q.gsoFrames()).setLent(q.lent()).setLendReturned(q.lendReturned())
                .setLendStalls(q.lendStalls()).setLendRevoked(q.lendRevoked()).build();
    }

    /** The queue view. */
    public static QueueView fromProto(Queue q) {
        return new QueueView(q.getPort(), q.getQueue(), q.getRingIndex(), q.getStarted(), q.getWorker(),
                nullable(q.getChannel()), q.getPackets(), q.getBytes(), sorted(q.getDropsMap()), q.getRingErrors(),
                q.getDmaSubmitted(), q.getDmaCompleted(), q.getDmaErrors(), q.getDmaInFlight(), q.getMacLimit(),
                q.getMacTableFull(), q.getNotifyDropped(), q.getBudgetExceeded(), q.getDmaUnsealedFallbacks(),
                q.getCsumFixups(), q.getGsoSegmented(), q.getGsoFrames(), q.getLent(), q.getLendReturned(),
                q.getLendStalls(), q.getLendRevoked());
    }

    /** The device message. */
    public static Device toProto(DeviceView d) {
        Device.Builder b = Device.newBuilder().setName(text(d.name())).setEngine(text(d.engine()))
                .setRingSize(d.ringSize());
        for (ChannelView c : d.channels()) {
            b.addChannels(Channel.newBuilder().setName(text(c.name())).setDevice(text(c.device())).setIndex(c.index())
                    .setBoundTo(text(c.boundTo())).setSubmitted(c.submitted()).setCompleted(c.completed())
                    .setErrors(c.errors()).putAllBytes(c.bytes()).putAllEngine(c.engine()));
        }
        return b.build();
    }

    /** The device view. */
    public static DeviceView fromProto(Device d) {
        List<ChannelView> channels = new ArrayList<>();
        for (Channel c : d.getChannelsList()) {
            channels.add(new ChannelView(c.getName(), c.getDevice(), c.getIndex(), nullable(c.getBoundTo()),
                    c.getSubmitted(), c.getCompleted(), c.getErrors(), sorted(c.getBytesMap()),
                    sorted(c.getEngineMap())));
        }
        return new DeviceView(d.getName(), d.getEngine(), d.getRingSize(), List.copyOf(channels));
    }

    /** The group message. */
    public static Group toProto(GroupView g) {
        return Group.newBuilder().setName(text(g.name())).setCreator(text(g.creator())).addAllMembers(g.members())
                .build();
    }

    /** The group view. */
    public static GroupView fromProto(Group g) {
        return new GroupView(g.getName(), g.getCreator(), List.copyOf(g.getMembersList()));
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
