/**
 * JMH benchmarks of the DMA API, of the dirty log and of the guest-notification system calls (the latter through
 * vhost's agent package, the workers' own poller, doorbell and notifier). JMH reads the generated harness
 * reflectively: the benchmark packages are open to it.
 */
module io.vhostdma.bench {
    requires io.vhostdma.dma;
    requires io.vhostdma.vhost;
    requires jmh.core;

    opens io.vhostdma.bench.dma to jmh.core;
    opens io.vhostdma.bench.notify to jmh.core;
    opens io.vhostdma.bench.dirtylog to jmh.core;
}
