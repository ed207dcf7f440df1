/**
 * What a data-plane agent (a worker thread with a duty cycle) asks of the kernel: wait for kicks and wake-ups
 * ({@link io.vhostdma.vhost.agent.Poller}), be woken by the threads that publish work for it
 * ({@link io.vhostdma.vhost.agent.Doorbell}), notify guests without ever blocking on their eventfds
 * ({@link io.vhostdma.vhost.agent.GuestNotifier}), and run on a chosen CPU
 * ({@link io.vhostdma.vhost.agent.CpuAffinity}). The public surface the back end and the benchmarks use; the
 * system calls themselves stay in the module's internal FFM layer, which no other module reads.
 *
 * <p>Contract:
 * <ul>
 *   <li>Duty-cycle calls allocate nothing and never throw for a peer's misbehaviour:
 *       {@link io.vhostdma.vhost.agent.Poller#await(int)}, {@link io.vhostdma.vhost.agent.Poller#data(int)},
 *       {@link io.vhostdma.vhost.agent.Doorbell#ring()}, {@link io.vhostdma.vhost.agent.Doorbell#drain()},
 *       {@link io.vhostdma.vhost.agent.GuestNotifier#add(int)}, {@link io.vhostdma.vhost.agent.GuestNotifier#submit()}
 *       and {@link io.vhostdma.vhost.agent.GuestNotifier#failed(int)} return codes or counts. Construction,
 *       watching and closing are control-plane calls: they allocate and throw a {@code RuntimeException} naming
 *       the system call, its errno and the fd ({@code epoll_ctl failed: errno=9 (Bad file descriptor) …}).</li>
 *   <li>An fd a front end handed over (kick, call, err) is untrusted: it is only watched (edge-triggered, never
 *       read: {@link io.vhostdma.vhost.agent.Poller#watchSignals}) or signalled through
 *       {@link io.vhostdma.vhost.agent.GuestNotifier} (the kernel signals it, so neither its counter nor its
 *       {@code O_NONBLOCK} flag can block the agent). A {@link io.vhostdma.vhost.agent.Doorbell} is an eventfd
 *       this process created and nobody else holds; only it is written and read directly.</li>
 *   <li>A {@link io.vhostdma.vhost.agent.Poller} and a {@link io.vhostdma.vhost.agent.GuestNotifier} belong to
 *       one thread (their agent), except {@code watch…}/{@code unwatch}, which the kernel makes safe from any
 *       thread. A {@link io.vhostdma.vhost.agent.Doorbell} is rung from any thread and drained by its owner.
 *       The memory ordering of a sleep/wake hand-shake (publish, fence, check the sleeper's flag) is the
 *       caller's: a doorbell only carries the wake-up.</li>
 *   <li>File descriptors are plain {@code int}s; each type here closes what it created ({@code close()}), never
 *       an fd it was given.</li>
 * </ul>
 */
package io.vhostdma.vhost.agent;
