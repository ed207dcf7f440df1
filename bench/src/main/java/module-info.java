/**
 * JMH benchmarks of the DMA API and of the guest-notification system calls (the latter through vhost's internal
 * FFM package, exported to this module for that alone). JMH reads the generated harness reflectively: the
 * benchmark packages are open to it.
 */
module io.vhostdma.bench {
    requires io.vhostdma.dma;
    requires io.vhostdma.vhost;
    requires jmh.core;

    opens io.vhostdma.bench.dma to jmh.core;
    opens io.vhostdma.bench.notify to jmh.core;
    opens io.vhostdma.bench.dirtylog to jmh.core;
}
