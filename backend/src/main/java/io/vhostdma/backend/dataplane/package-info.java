/**
 * The data plane: poll-mode worker agents that own virtqueues and move frames.
 *
 * <p>One frame, stage by stage (each stage is handed what it works on and returns a result; none reaches back
 * into the worker that called it, none keeps a "current frame" between calls):
 * <pre>
 *  Worker.doWork ── TxRing.take ─────────► FrameSource (where the frame lives: TX chain + record, staging slot,
 *   (duty cycle)     pop, frame, drops,       send-ring slot, hand-off slot; the Hold that keeps it there)
 *                    tap, staging                │
 *                                                ▼
 *                  Switch.decide ──────────► Destinations (port ids, or the sink)         deciding
 *                                                │
 *                                                ▼
 *                  Delivery.deliver ── RxRing.enqueue (CPU copy, or DmaRx records) ─┐   delivering
 *                                  └── HandoffLink.send (to the ring's owner) ───────┤
 *                                                                                    ▼
 *                  RxRing / DmaRx / DmaStaging / TxFifo complete their own work ──► DirtyList
 *                  Worker.flushUsed: one used-index publish and one notification decision per ring (GuestSignals)
 * </pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>Every ring has exactly one owner, the worker {@code queuePair % workers}; only it reads the avail ring and
 *       writes the used ring ({@link io.vhostdma.vhost.virtq.Virtqueue}, whose broken state is the ring's only
 *       one). Both rings of a queue pair, on every port, belong to the same worker, so a frame forwarded between
 *       ports with equal queue-pair counts is copied once, guest TX buffer → guest RX buffer, by one worker.</li>
 *   <li>A ring completes its own work ({@code OwnedRing}: {@code TxRing}, {@code RxRing}): TX chains go back in pop
 *       order once no {@code Hold} remains on their record ({@code TxFifo}); DMA records complete in channel order
 *       ({@code CopyQueue}, {@code DmaRx}, {@code DmaStaging}); a ring that changed puts itself on the
 *       {@code DirtyList} it is handed.</li>
 *   <li>When the destination RX ring belongs to another worker, the frame crosses a {@code HandoffLink} (slots
 *       circulating through two single-producer/single-consumer JCTools queues): as a reference to the source TX
 *       chain (the owner copies from guest memory once and gives the slot back; the giver then releases the chain)
 *       or as bytes in the slot (no free slot is the counted drop {@code handoff_full}).</li>
 *   <li>The control plane never touches a ring: it sends commands ({@code attach}, {@code detach}, {@code rebind},
 *       {@code quiesce}) through each worker's command queue and waits on their futures. A worker runs commands
 *       only between duty cycles, which are its quiescent points.</li>
 *   <li>Threading modes: each worker on its own platform thread, or (tests) the stepped mode in which
 *       {@code DataPlaneImpl.step()} runs one duty cycle of every worker on the caller's thread.</li>
 *   <li>Adaptive notification ({@code Idler}): while busy a worker polls with guest kicks suppressed; after an
 *       idle spin it re-enables kicks, re-checks every ring and queue (closing the lost-kick and lost-wake-up
 *       races: {@code Wakeup}), and sleeps in epoll on the kick eventfds (edge-triggered, never read) and its
 *       wake-up eventfd.</li>
 *   <li>Nothing a front end hands over blocks a worker: guest notifications go through the kernel
 *       ({@code GuestSignals}, one system call per cycle; refusals counted {@code notify_dropped}), each ring walks
 *       at most its descriptor budget per cycle (drops counted {@code budget}), and whatever the data path throws
 *       is contained ({@code FaultContainment}): a guest whose memory faults loses its port's rings and
 *       connection, anything else stops the ring being served after returning the chains it took; stopped rings
 *       still drain.</li>
 *   <li>A queue bound to a DMA channel ({@link io.vhostdma.backend.dataplane.ChannelBinding}) submits its payload
 *       copies to that channel; only the queue's owner drives the channel. Inside an access group a frame moves
 *       guest TX buffer → guest RX buffer in one DMA copy on the destination RX queue's channel; outside, DMA goes
 *       through the worker's registered host {@code StagingPool}. A worker with copies in flight never sleeps.</li>
 *   <li>Detach drains: a ring's base is reported once its copies completed and its taken chains were returned,
 *       so guest memory is unmapped only after every in-flight copy touching it finished.</li>
 *   <li>Reactive API hooks: while a port has a {@link io.vhostdma.backend.dataplane.PacketTap}, the owner of each TX
 *       ring copies the guest's frames into the tap's ring for that queue pair instead of forwarding them (full
 *       ring: counted {@code receiver_full}). Each port's {@link io.vhostdma.backend.dataplane.Injector} is a set of
 *       registered host slots the reactive context fills and worker 0 (the owner of every {@code rxq0}) enqueues
 *       like forwarded frames; a slot goes back, with its frame's result, once its copy landed and the used ring
 *       was published.</li>
 *   <li>Offloads: {@code TxRing.take} reads and validates the sender's virtio-net offload fields (malformed:
 *       {@code tx_bad_offload}); they travel with the frame ({@code FrameSource.offload}, staging records, hand-off
 *       slots); {@code RxRing.enqueue} writes them into the receiver's RX header when it negotiated them, else
 *       {@code RxOffload} completes the checksum or segments the TSO frame on a host copy (before any DMA copy),
 *       counted {@code csum_fixups} / {@code gso_segmented}. A reactive receiver's {@code PacketTap} gets the frame
 *       completed or segmented the same way ({@code RxOffload.toTap}), or, when it keeps offloads, as it is with
 *       its fields (a frame over a slot in a run of slots).</li>
 *   <li>Operator capture ({@code vhostctl capture}): while a port has a
 *       {@link io.vhostdma.backend.dataplane.CaptureRing}, {@code TxRing.take} mirrors each frame its guest sent and
 *       {@code Delivery.enqueue} each frame enqueued to it into the ring of that queue pair (its owner is the only
 *       producer); the frames are forwarded as usual, a full ring counts a drop, nothing waits for the reader.</li>
 *   <li>The per-packet path allocates nothing (sync and async).</li>
 * </ul>
 */
package io.vhostdma.backend.dataplane;
