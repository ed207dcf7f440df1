/**
 * Thin FFM bindings over the Linux system calls vhost-dma needs: AF_UNIX stream sockets with
 * SCM_RIGHTS fd passing, memfd and its seals, mmap/munmap, eventfd, epoll, {@code /dev/udmabuf} (sealed memfd to
 * dma-buf), Linux AIO to have the kernel signal a peer's eventfd ({@link io.vhostdma.vhost.internal.sys.AioNotifier}),
 * a fault probe for mapped memory ({@link io.vhostdma.vhost.internal.sys.MemoryProbe}), and errno reporting.
 *
 * <p>A peer's fd (a front end's eventfd) is never touched by a {@code Linker.Option.critical} downcall, and never
 * read or written by one that could block: {@code O_NONBLOCK} is the peer's to change.
 *
 * <p>Internal: the module does not export it. Other modules reach the kernel through the small public types that
 * wrap it: {@code io.vhostdma.vhost.agent} (a worker's poller, doorbell, guest notifier and CPU pinning),
 * {@code io.vhostdma.vhost.memory.MappingProbe} and {@code io.vhostdma.vhost.transport.SocketFile} (what may be
 * replaced at a socket path, shared by the back end's management sockets; {@code UnixSockets.listen} applies its
 * rules, the one use this package makes of another). Contract:
 * <ul>
 *   <li>Every failing call throws {@link io.vhostdma.vhost.internal.sys.SysException} naming the
 *       call and the errno ({@code sendmsg failed: errno=32 (Broken pipe) fd=12}), except the
 *       calls documented as returning a negative errno for the non-blocking "try again" case, which
 *       hot paths use without exceptions.</li>
 *   <li>One tiny class per kernel structure ({@code *Layout}) with the C declaration in its Javadoc;
 *       no magic offsets elsewhere. Layouts are for x86-64 and aarch64 Linux (LP64).</li>
 *   <li>File descriptors are plain {@code int}s owned by the caller; {@link
 *       io.vhostdma.vhost.internal.sys.Fds#close(int)} closes them.</li>
 *   <li>Mapped memory is always tied to an {@link java.lang.foreign.Arena}: closing the arena
 *       unmaps, and any later access throws in the accessing thread instead of crashing the JVM.</li>
 * </ul>
 */
package io.vhostdma.vhost.internal.sys;
