package io.vhostdma.config;

import java.util.Locale;

/** What vhostd does with the packets guests transmit (design.md §6). */
public enum Forwarding {
    /** L2 learning switch per access group; ports in no group form one default segment. */
    SWITCH,
    /** Benchmark/diagnostic mode: every transmitted packet is copied to a host buffer, counted, dropped. */
    SINK;

    /** The spelling of this mode in the config file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
