/**
 * The vhost-user socket transport on Vert.x event loops with Netty's io_uring transport.
 *
 * <p>{@link io.vhostdma.vhost.transport.VhostUserServer} listens (one front end at a time per
 * port; a second connection is refused), {@link io.vhostdma.vhost.transport.VhostUserClient}
 * connects and reconnects with backoff. Each connection is an FFM socket registered as an io_uring
 * {@code IoHandle}: RECVMSG with a control buffer for 8 fds reads the header, further RECVMSGs read
 * the payload, the per-connection {@link io.vhostdma.vhost.protocol.VhostUserSession} handles the
 * message, and the reply goes out with a direct non-blocking sendmsg before the next read is
 * submitted. Nothing on the loop blocks: data-plane futures re-enter the loop through the Vert.x
 * context. A protocol error closes only that connection (one log line, a counter in
 * {@link io.vhostdma.vhost.protocol.SessionCounters}, a
 * {@link io.vhostdma.vhost.transport.PortListener} event); on any disconnect the session detaches
 * every ring, unmaps guest memory after a data-plane quiesce and closes every fd, and only then is
 * the socket closed.
 *
 * <p>{@link io.vhostdma.vhost.transport.SocketFile} is the rule for what may be at a socket path before binding
 * (nothing, or a stale socket, which is removed; a live socket or any other file is refused with a
 * {@link io.vhostdma.vhost.transport.SocketPathException}) and sets a socket file's mode and group without following
 * a symbolic link. vhost-user sockets and the back end's management sockets both follow it.
 */
package io.vhostdma.vhost.transport;
