/**
 * The daemon's DMA side: the devices of the config's {@code dma} section, the per-virtqueue channel
 * bindings, each port's guest memory registered with the DMA layer as that guest's domain, vhostd's
 * own staging buffers registered as the host domain, and the access groups that decide which ports
 * may exchange packets guest to guest in one copy.
 *
 * <p>State is typed and owned, not shared maps: {@link io.vhostdma.backend.dma.ChannelBindings} (queue to
 * binding, channel to holding queue, keyed by port + {@code QueueRef} and {@code ChannelRef}) and
 * {@link io.vhostdma.backend.dma.PortDomains} (port to DMA domain) are the only places the runtime and the
 * access groups learn who is bound where and who is which domain.
 *
 * <p>Contract with the vhost-user session ({@link io.vhostdma.vhost.protocol.GuestMemoryListener}, implemented by
 * {@link io.vhostdma.backend.dma.DmaRuntime}) and the data plane ({@link io.vhostdma.backend.dataplane.DmaHooks}: the
 * channel a queue uses): a port's memory is registered (and mapped to every device) before any of its rings
 * starts; before it goes away it is revoked (no copy starts into or out of it; running copies are waited for),
 * its rings drain, and only then is it unregistered and unmapped. Membership changes arrive as access-group events
 * from the DMA layer and move the port between switching segments.
 *
 * <p>Threads: every method here is a control-plane call (it may block on the DMA layer's quiescence)
 * and runs off the event loops and off the workers.
 */
package io.vhostdma.backend.dma;
