/**
 * The reactive (Mutiny) API for embedding the backend: {@link io.vhostdma.backend.reactive.VhostBackend}
 * starts and closes a backend without blocking its caller, streams its events, takes a port's guest TX
 * frames off the switch ({@code receive}) and sends frames into a port's guest ({@code send}).
 *
 * <p>Contract:
 * <ul>
 *   <li>Threads: every item, completion and failure is delivered on the backend's own Vert.x event-loop
 *       context ({@code VhostBackend.context()}), never on a data-plane worker or a control-plane loop.
 *       Subscriber code must not block it.</li>
 *   <li>Back-pressure is real: a receive or events stream emits only what was requested; the emitter's
 *       outstanding demand is the only counter ({@code PolledMulti}). While demand exists and nothing is
 *       ready the context re-polls, then sleeps until a worker signals (no timer).</li>
 *   <li>Bounded memory: a receive subscription owns a fixed ring per queue pair (512 slots of 10 KiB)
 *       filled by the owning worker with CPU copies; a full ring drops the frame, counted
 *       {@code receiver_full} (a receiver keeping offloads, {@code ReceiveOptions.OFFLOADS}, takes a TSO frame of
 *       up to 64 KiB whole into a run of slots). A port's send ring is 256 fixed slots of registered host memory
 *       (plus 4 big slots for frames over 10 KiB); sends wait
 *       for room (at most 4096 frames queued per port), then fail. Events are buffered 1024 per subscriber,
 *       the rest reported as {@code EventsLost}.</li>
 *   <li>Buffer validity: a received {@link io.vhostdma.backend.reactive.PacketBatch} views ring slots; it
 *       stays valid at least until the subscriber requests the next batch and is released when that batch
 *       is emitted or the subscription ends. Its segments belong to a per-batch shared arena closed at
 *       release: access afterwards throws {@link java.lang.IllegalStateException}, never reads reused
 *       bytes. A lent batch ({@code receiveLent}) views the guest's own TX buffers until its {@code release()}; at
 *       most 128 frames per queue pair are lent (then the guest's TX ring waits); it is invalidated (access throws,
 *       descriptors returned) when the guest's ring stops, its memory table changes or it disconnects.</li>
 *   <li>Sends complete in order per port, once every frame's copy landed in guest memory and the used ring
 *       was published (or the frame was a counted drop), with the number delivered.</li>
 *   <li>Close ends every stream, fails sends not yet complete, then closes vhostd and the Vert.x instance
 *       off the event loop.</li>
 *   <li>Bridges: {@link io.vhostdma.backend.reactive.Bridges} holds the hand-written Future ↔ Uni and
 *       ReadStream → Multi bridges (the mutiny-vertx bindings are not used).</li>
 * </ul>
 */
package io.vhostdma.backend.reactive;
