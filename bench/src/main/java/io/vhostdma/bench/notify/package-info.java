/**
 * The cost of notifying a guest: today's {@code write(2)} of an eventfd against the kernel-signalled path the
 * data plane uses ({@link io.vhostdma.vhost.agent.GuestNotifier}), per signal, alone and batched.
 */
package io.vhostdma.bench.notify;
