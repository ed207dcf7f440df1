/**
 * The {@code dpdk} DMA engine: DPDK 22.11's dmadev driven from the JVM over FFM, with no JNI and no C
 * shim.
 *
 * <pre>
 *   DpdkEngineProvider ── DpdkRuntime (one per process) ── ControlThread "vhostd-dpdk-ctl": rte_eal_init,
 *        │                      │                             rte_dma_configure/vchan_setup/start/stop,
 *        │                      ├── ExtMem      rte_extmem_register / rte_extmem_unregister
 *        │                      └── DeviceMaps  rte_dev_dma_map / rte_dev_dma_unmap (per rte_device)
 *        └── DpdkEngine (one dmadev) ── DpdkChannel (one vchan): rte_dma_fp_objs[dev_id].copy/copy_sg/fill/
 *                                        submit/completed/completed_status/burst_capacity, called from the
 *                                        channel's user thread (a vhostd worker)
 * </pre>
 *
 * <h2>Starting DPDK inside a JVM</h2>
 * The runtime starts only when a {@code dpdk} device is created. The EAL arguments ({@link
 * io.vhostdma.dma.dpdk.EalArgs}: the configured ones or {@code --no-huge -m 256 --no-pci --no-telemetry
 * --no-shconf}, a {@code --file-prefix} unique to the process, lcores that pin no JVM thread) are first
 * tried in a child JVM ({@link io.vhostdma.dma.dpdk.DpdkProbe}): an EAL that fails or aborts
 * ({@code rte_panic}) there becomes an error with its output, not a dead JVM. Then {@code rte_eal_init}
 * runs on a dedicated control thread, whose CPU affinity (which the EAL sets to the main lcore's) is put
 * back. A missing library is {@link io.vhostdma.dma.DmaException.Unavailable}, an EAL that does not start
 * an {@code EIO} {@link io.vhostdma.dma.DmaException}, an unknown dmadev {@code NotFound}.
 *
 * <h2>Memory</h2>
 * A native engine copies from a thread (or a device) the JVM does not control: memory that vanishes
 * under it kills the process. The engine therefore declares
 * {@link io.vhostdma.dma.DmaCapability#NATIVE_ACCESS}; its users hand it only memory that cannot shrink
 * (vhostd: shrink-sealed memfds, dma-bufs, its own buffers). The layer hands it IOVAs only inside memory
 * registered with DPDK ({@code rte_extmem_register}, one IOVA per page) and mapped for the dmadev's device
 * ({@code rte_dev_dma_map}), unmapped and unregistered only after every op on it was reaped.
 */
package io.vhostdma.dma.dpdk;
