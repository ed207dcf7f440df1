package io.vhostdma.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code dpdk} section: the process's one DPDK runtime, started only when a {@code dma} device uses
 * {@code engine: dpdk}.
 *
 * @param ealArgs        the EAL arguments ({@code eal-args}); empty: vhostd's JVM-friendly defaults
 *                       ({@code --no-huge -m 256 --no-pci --no-telemetry --no-shconf}). vhostd adds a
 *                       {@code --file-prefix} of its own and lcores that pin no JVM thread unless given.
 * @param unsealedMemory what a queue does whose guest memory could shrink under a mapping
 *                       ({@code unsealed-memory})
 */
public record DpdkConfig(List<String> ealArgs, UnsealedMemory unsealedMemory) {

    /** Copies the list and checks the components are present. */
    public DpdkConfig {
        ealArgs = List.copyOf(ealArgs);
        Objects.requireNonNull(unsealedMemory, "unsealedMemory");
    }

    /** @return no EAL arguments (the defaults), unsealed memory on the CPU path */
    public static DpdkConfig defaults() {
        return new DpdkConfig(List.of(), UnsealedMemory.CPU);
    }

    /**
     * A native DMA engine copies from a thread (or a device) the JVM does not control: a guest that
     * shrinks its memfd under a mapping would kill vhostd there with SIGBUS. Guest memory sealed against
     * shrinking (F_SEAL_SHRINK; QEMU's memory-backend-memfd seals by default) or a dma-buf is safe.
     */
    public enum UnsealedMemory {
        /** A queue bound to a native-engine channel copies with the CPU when its memory is not sealed (default). */
        CPU,
        /**
         * The operator vouches that no front end shrinks its memory (e.g. DPDK testpmd, whose memfds are not
         * sealed): such queues use the channel anyway; a front end that does shrink it kills vhostd.
         */
        ALLOW;

        /** The spelling in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
