/**
 * The vhost-user protocol, back-end side: wire layouts ({@code *Layout}), one validated record per
 * payload, and the per-connection state machine {@link io.vhostdma.vhost.protocol.VhostUserSession}.
 *
 * <pre>
 *   transport ──message──▶ VhostUserSession ──table──▶ handler ──▶ VhostDevice / VringConfig
 *       ▲                        │                                      │ (read by)
 *       └────────reply───────────┘            DataPlane.attach/detach/quiesce
 * </pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>Messages are handled one at a time, in order; a handler completes once its change is in
 *       effect, and only then is its reply (or REPLY_ACK ack) sent. Replies carry flags 0x5.</li>
 *   <li>A ring starts (is {@linkplain io.vhostdma.vhost.protocol.DataPlane#attach attached}) when
 *       it has a kick, a size, addresses that translate into the memory table, and a memory table;
 *       it stops at GET_VRING_BASE, around a memory-table swap, and at disconnect.</li>
 *   <li>Memory-table swap (SET_MEM_TABLE, ADD/REM_MEM_REG, and disconnect with an empty table): map new →
 *       {@link io.vhostdma.vhost.protocol.GuestMemoryListener#memoryRetiring} → detach started rings → publish →
 *       {@link io.vhostdma.vhost.protocol.GuestMemoryListener#memoryChanged} → re-attach → quiesce → unmap old →
 *       ack. The {@link io.vhostdma.vhost.protocol.DataPlane} only attaches and detaches rings; registering guest
 *       memory (with a DMA layer) is the listener's. Call/err fd swap on a live ring: publish → quiesce → close
 *       old.</li>
 *   <li>Protocol policy: an unknown or malformed message, a ring index ≥ 2 × queue pairs, feature
 *       bits we did not offer, or a request needing an un-negotiated feature fails with
 *       {@link io.vhostdma.vhost.protocol.ProtocolException}; the transport closes that
 *       connection only and counts it in {@link io.vhostdma.vhost.protocol.SessionCounters}.</li>
 *   <li>Every received fd is kept (and closed when replaced or at disconnect) or closed at once. A
 *       SET_MEM_TABLE region fd is closed once mapped, unless it is a dma-buf: then the memory table keeps
 *       it as the region's dma-buf (as it keeps a udmabuf made from a sealed memfd where
 *       {@code /dev/udmabuf} is usable) and closes it when the table is unmapped.</li>
 * </ul>
 */
package io.vhostdma.vhost.protocol;
