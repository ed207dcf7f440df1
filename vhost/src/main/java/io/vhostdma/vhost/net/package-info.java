/**
 * virtio-net semantics over split virtqueues, with synchronous CPU copies.
 *
 * <ul>
 *   <li>TX (odd rings, guest → us): {@link io.vhostdma.vhost.net.NetTx#frame} turns a popped chain into a
 *       {@link io.vhostdma.dma.sg.GatherList} of frame bytes (header skipped); every chain is completed with used
 *       len 0.</li>
 *   <li>RX (even rings, us → guest): {@link io.vhostdma.vhost.net.NetRx#enqueue} writes a zeroed header
 *       (num_buffers set) and the frame into one chain, or several with MRG_RXBUF; it adds used entries, and the
 *       caller publishes and checks notification once per burst. A one-range frame whose first chain is one
 *       buffer that holds it is written there directly (two header stores, one bulk copy).</li>
 *   <li>{@link io.vhostdma.vhost.net.EthernetHeader} reads the 14-byte L2 header once into fields.</li>
 *   <li>Every walk over gather lists (the RX copy but the direct one, slicing a chain into its frame or
 *       payload) is the one {@link io.vhostdma.dma.sg.GatherCursor}.</li>
 * </ul>
 *
 * <p>Everything here is allocation-free after construction and returns {@link io.vhostdma.vhost.net.PathStatus}
 * codes instead of throwing. Guest errors (a writable buffer in TX, a readable one in RX) mark the ring broken.
 */
package io.vhostdma.vhost.net;
