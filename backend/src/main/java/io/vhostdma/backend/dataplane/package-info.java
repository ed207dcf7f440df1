/**
 * The data plane: poll-mode worker agents that own virtqueues and move packets.
 *
 * <p>Each {@link io.vhostdma.backend.dataplane.Worker} runs the duty cycle, idles and contains faults; its
 * package-private parts, used on its thread only, are {@code OwnedRings} (the rings it owns, their epoll
 * registration and the attach/detach/rebind commands), {@code Delivery} (forwarded frames into owned RX rings,
 * DMA records, hand-offs and returned references between workers) and {@code ReactivePath} (the port tap and
 * the injectors).
 *
 * <p>Contract:
 * <ul>
 *   <li>Every ring has exactly one owner, the worker {@code queuePair % workers}; only it reads the
 *       avail ring and writes the used ring. Both rings of a queue pair, on every port, belong to
 *       the same worker, so a frame forwarded between ports with equal queue-pair counts is copied
 *       once, guest TX buffer → guest RX buffer, by the one worker that owns both rings.</li>
 *   <li>When the destination RX ring belongs to another worker, the frame crosses through a
 *       single-producer/single-consumer {@link io.vhostdma.backend.dataplane.Handoff} queue, as a
 *       reference to the source TX chain (the owner copies from guest memory once and gives the
 *       reference back through {@code Returns}), or as bytes in the slot (a full queue is a counted
 *       drop).</li>
 *   <li>The control plane never touches a ring: it sends commands ({@code attach}, {@code detach},
 *       {@code quiesce}) through each worker's command queue and waits on their futures. A worker
 *       runs commands only between duty cycles, which are its quiescent points.</li>
 *   <li>Adaptive notification: while busy a worker polls with guest kicks suppressed; after an idle
 *       spin it re-enables kicks, re-checks every ring (closing the lost-kick race), and sleeps in
 *       epoll on the kick eventfds (edge-triggered, never read) and its wake-up eventfd.</li>
 *   <li>Nothing a front end hands over blocks a worker: guest notifications (call and err eventfds) are
 *       signalled by the kernel ({@code AioNotifier}, one system call per cycle; refusals counted
 *       {@code notify_dropped}), each ring walks at most its descriptor budget per cycle (drops counted
 *       {@code budget}), and whatever the data path throws is contained ({@code FaultContainment}): a guest
 *       whose memory faults loses its port's rings and connection, anything else stops the ring being served
 *       after returning the chains it took; stopped rings still drain.</li>
 *   <li>A queue bound to a DMA channel ({@link io.vhostdma.backend.dataplane.ChannelBinding}) submits its
 *       payload copies to that channel ({@code AsyncRx}, {@code AsyncTx}); only the queue's owner drives the
 *       channel. Copies are grouped per packet into records that complete in channel order
 *       ({@code CopyQueue}); RX chains are used, and guest TX chains returned ({@code TxFifo}), strictly in
 *       order once every copy touching them completed. A worker with copies in flight never sleeps.</li>
 *   <li>Inside an access group (same switching segment) a frame moves guest TX buffer → guest RX buffer
 *       in one DMA copy on the destination RX queue's channel; outside, DMA goes through the worker's
 *       registered host {@code StagingPool}.</li>
 *   <li>Detach drains: a ring's base is reported once its copies completed and its taken chains were
 *       returned, so guest memory is unmapped only after every in-flight copy touching it finished.</li>
 *   <li>Reactive API hooks: while a port has a {@link io.vhostdma.backend.dataplane.PacketTap}, the owner of each
 *       TX ring copies the guest's frames into the tap's SPSC ring for that queue pair instead of forwarding
 *       them (full ring: counted {@code receiver_full}). Each port's {@link io.vhostdma.backend.dataplane.Injector}
 *       is an SPSC ring of registered host slots written by the reactive context and drained by the owner of
 *       {@code rxq0} (worker 0) through the normal enqueue paths; a slot is reused only once its copy landed
 *       and the used ring was published. The producer wakes a sleeping worker as a hand-off does.</li>
 *   <li>The per-packet path allocates nothing (sync and async).</li>
 * </ul>
 */
package io.vhostdma.backend.dataplane;
