package io.vhostdma.config;

import java.util.Locale;

/** Who opens the vhost-user connection of a port. Config values {@code server} and {@code client}. */
public enum PortMode {
    /** vhostd listens on the socket; the front end (QEMU, DPDK) connects. */
    SERVER,
    /** vhostd connects to a socket the front end listens on, and reconnects when it goes away. */
    CLIENT;

    /** The spelling of this mode in the config file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
