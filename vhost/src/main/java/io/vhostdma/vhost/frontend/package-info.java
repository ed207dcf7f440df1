/**
 * A vhost-user <b>front end</b>: the driver side of vhost-user (what QEMU or DPDK virtio-user is),
 * used by the project's tests, {@code vhostd demo} and benchmarks, and offered to users.
 *
 * <p>It owns guest memory ({@link io.vhostdma.vhost.frontend.GuestMemoryImage}: one memfd per
 * region, GPA = UVA with one region, GPAs from 0 with several), lays out split virtqueues in it (packed ones once RING_PACKED is negotiated: PackedDriverRing)
 * ({@link io.vhostdma.vhost.frontend.DriverVirtqueue}), connects to (or accepts) a back end and runs
 * DPDK virtio-user's setup sequence, then moves frames through queue pairs (vring 2n = RX, 2n+1 = TX).
 *
 * <pre>
 * GET_FEATURES → GET_PROTOCOL_FEATURES → SET_PROTOCOL_FEATURES → [GET_QUEUE_NUM] → SET_OWNER
 *   → SET_VRING_CALL × rings → SET_FEATURES → [SET_STATUS 0xb] → SET_MEM_TABLE (ack)
 *   → per ring NUM, BASE 0, ADDR, KICK → SET_VRING_ENABLE 1 × rings → [SET_STATUS 0xf]
 * close(): GET_VRING_BASE × rings → close socket, eventfds, memfds; unmap
 * </pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>Control plane ({@code connect}, {@code close}, {@link io.vhostdma.vhost.frontend.ProtocolClient})
 *       throws {@link io.vhostdma.vhost.frontend.FrontendException} with {@code name=value} context;
 *       every reply must carry flags {@code 0x5}, the request's id and the expected size.</li>
 *   <li>Data plane ({@code send}, {@code sendBurst}, {@code receive}, {@code reclaimTx},
 *       {@code awaitRx}) returns counts or negative {@code ERR_*} codes, bumps
 *       {@link io.vhostdma.vhost.frontend.QueueCounters}, and allocates nothing once warmed up.
 *       One thread per queue pair at a time.</li>
 *   <li>Ordering (driver side): descriptors, avail entries and buffer bytes are plain stores
 *       published by a release store of {@code avail.idx}; {@code used.idx} is acquire-loaded; a
 *       full fence precedes every read of the device's suppression fields and every re-check after
 *       arming interrupts.</li>
 *   <li>Hostile-guest tests: {@link io.vhostdma.vhost.frontend.VhostUserFrontend#connectRaw} connects
 *       without sending anything; {@link io.vhostdma.vhost.frontend.RawChannel} sends arbitrary
 *       headers, payloads and fds and detects EOF; {@code DriverVirtqueue} writes arbitrary
 *       descriptors, avail entries and {@code avail.idx}; {@link io.vhostdma.vhost.frontend.Tampering}
 *       does to the shared eventfds and memory what a hostile front end can (clears {@code O_NONBLOCK},
 *       saturates a counter, hands over a non-eventfd notifier, shrinks the memory file).</li>
 * </ul>
 *
 * <p>Usage:
 * <pre>{@code
 * FrontendOptions o = FrontendOptions.builder(Path.of("/tmp/vhostd/vm1.sock")).queuePairs(1).build();
 * try (VhostUserFrontend fe = VhostUserFrontend.connect(o); Arena arena = Arena.ofConfined()) {
 *     MemorySegment frame = arena.allocate(1514);          // fill in an Ethernet frame
 *     while (fe.send(0, frame, 0, 60) == 0) {               // 0: TX ring full
 *         fe.reclaimTx(0);
 *     }
 *     MemorySegment in = arena.allocate(65536);
 *     if (fe.awaitRx(0, 1_000_000_000L)) {
 *         int len = fe.receive(0, in, 0, 65536);            // frame without virtio-net header
 *     }
 * }
 * }</pre>
 */
package io.vhostdma.vhost.frontend;
