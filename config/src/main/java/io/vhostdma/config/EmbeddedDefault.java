package io.vhostdma.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The configuration vhostd runs with when no {@code --config} is given (design.md §7): two server
 * ports {@code vm0} and {@code vm1} with one queue pair each, switch forwarding, one worker, and the
 * management defaults. Its sockets live in the runtime directory ({@link RuntimeDir}: systemd's
 * {@code $RUNTIME_DIRECTORY}, else {@code $XDG_RUNTIME_DIR/vhostd/}, else {@code /tmp/vhostd-<uid>/}),
 * which the config names explicitly.
 *
 * <p>DMA: one device {@code dma0} (engine {@code sw} with {@value #MIN_CPUS_FOR_SW} or more CPUs, else
 * {@code cpu}; 4 channels of 4096 descriptors) with every queue bound — {@code vm0 rxq0 → dma0/0},
 * {@code vm0 txq0 → dma0/1}, {@code vm1 rxq0 → dma0/2}, {@code vm1 txq0 → dma0/3} — and both ports in
 * the access group {@code default}, whose token is a random UUID drawn once per process (a secret:
 * {@link AccessGroupConfig#toString()} hides it).
 */
public final class EmbeddedDefault {

    /** Names of the default ports. */
    public static final List<String> PORT_NAMES = List.of("vm0", "vm1");
    /** Name of the default DMA device. */
    public static final String DMA_DEVICE = "dma0";
    /** Name of the default access group. */
    public static final String ACCESS_GROUP = "default";
    /** With at least this many CPUs the default device uses the {@code sw} engine, else {@code cpu}. */
    public static final int MIN_CPUS_FOR_SW = 4;

    private EmbeddedDefault() {
    }

    /**
     * The default config for a process with environment {@code env} running as {@code uid}, on a
     * machine with {@code Runtime.getRuntime().availableProcessors()} CPUs.
     *
     * @param env the process environment ({@code System.getenv()}); RUNTIME_DIRECTORY and XDG_RUNTIME_DIR are read
     * @param uid the real user id, used in the fallback directory name
     */
    public static VhostdConfig create(Map<String, String> env, int uid) {
        return create(env, uid, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The default config for a process with environment {@code env} running as {@code uid}, on a
     * machine with {@code cpus} CPUs (which picks the DMA engine).
     *
     * @param env  the process environment ({@code System.getenv()}); RUNTIME_DIRECTORY and XDG_RUNTIME_DIR
     *             are read
     * @param uid  the real user id, used in the fallback directory name
     * @param cpus the number of CPUs available, at least 1
     */
    public static VhostdConfig create(Map<String, String> env, int uid, int cpus) {
        if (uid < 0) {
            throw new IllegalArgumentException("uid must not be negative: uid=" + uid);
        }
        return create(RuntimeDir.resolve(env, uid), cpus);
    }

    /**
     * The default config with its sockets in runtime directory {@code dir}, on a machine with
     * {@code cpus} CPUs (which picks the DMA engine).
     */
    public static VhostdConfig create(Path dir, int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1: cpus=" + cpus);
        }
        List<PortConfig> ports = new ArrayList<>();
        List<BindingConfig> bindings = new ArrayList<>();
        for (String name : PORT_NAMES) {
            ports.add(new PortConfig(name, dir.resolve(name + ".sock"), PortMode.SERVER,
                    PortConfig.DEFAULT_QUEUE_PAIRS, PortConfig.DEFAULT_SOCKET_MODE));
            bindings.add(new BindingConfig(name, new QueueRef(false, 0), DMA_DEVICE, bindings.size()));
            bindings.add(new BindingConfig(name, new QueueRef(true, 0), DMA_DEVICE, bindings.size()));
        }
        DmaDeviceConfig device = new DmaDeviceConfig(DMA_DEVICE, cpus >= MIN_CPUS_FOR_SW ? "sw" : "cpu",
                DmaDeviceConfig.DEFAULT_CHANNELS, DmaDeviceConfig.DEFAULT_RING_SIZE);
        AccessGroupConfig group = new AccessGroupConfig(ACCESS_GROUP, ProcessToken.VALUE, PORT_NAMES);
        return new VhostdConfig(ports, VhostdConfig.DEFAULT_WORKERS, List.of(), Forwarding.SWITCH,
                ManagementConfig.defaults(), List.of(device), bindings, List.of(group)).withRuntimeDir(dir);
    }

    /** The directory the default sockets are created in: the default runtime directory. */
    public static Path socketDirectory(Map<String, String> env, int uid) {
        return RuntimeDir.resolve(env, uid);
    }

    /**
     * {@code config} rendered as YAML that {@link ConfigLoader#parse} reads back to an equal config,
     * every key written out (for {@code vhostd --print-default-config} and documentation). Access-group
     * tokens are written as literals, so the output contains secrets.
     *
     * @throws IllegalArgumentException when a token begins with {@code env:} or {@code file:} and so
     *                                  cannot be written as a literal
     */
    public static String yaml(VhostdConfig config) {
        return ConfigYaml.render(config);
    }

    /** The default group's token: drawn on first use, then the same for the life of the process. */
    private static final class ProcessToken {
        static final String VALUE = UUID.randomUUID().toString();
    }
}
