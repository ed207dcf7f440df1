package io.vhostdma.backend.control;

import io.vhostdma.config.AccessGroupConfig;
import io.vhostdma.config.BindingConfig;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.QueueRef;
import io.vhostdma.config.VhostdConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration a back end runs now ({@code vhostctl config dump}, {@code GetConfig}): the started
 * config with its ports, bindings and access groups replaced by the live ones — ports as added (with
 * their settings), every queue's current channel, every group with its members and the token it was
 * created with. Workers, forwarding, management, DMA devices, the runtime directory and DPDK settings
 * cannot change at run time and are the started ones.
 */
final class RunningConfig {
    private RunningConfig() {
    }

    /**
     * @param started the config the back end started with
     * @param ports   the ports now, in the order they were added
     * @param queues  every queue of those ports, with its current channel
     * @param groups  the access groups now
     * @param tokens  group name → the token it was created with (a group missing here is left out)
     */
    static VhostdConfig of(VhostdConfig started, List<PortConfig> ports, List<QueueView> queues,
                           List<GroupView> groups, Map<String, String> tokens) {
        List<BindingConfig> bindings = new ArrayList<>();
        for (QueueView q : queues) {
            ChannelRef ch = q.channel() == null ? null : ChannelRef.parse(q.channel());
            if (ch != null) {
                bindings.add(new BindingConfig(q.port(), QueueRef.parse(q.queue()), ch.device(), ch.index()));
            }
        }
        List<AccessGroupConfig> access = new ArrayList<>();
        for (GroupView g : groups) {
            String token = tokens.get(g.name());
            if (token != null && !g.members().isEmpty()) {
                access.add(new AccessGroupConfig(g.name(), token, g.members()));
            }
        }
        return new VhostdConfig(ports, started.workers(), started.workerCpus(), started.forwarding(),
                started.management(), started.dma(), bindings, access, started.macAgingTime(), started.runtimeDir(),
                started.dpdk());
    }
}
