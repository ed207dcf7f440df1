package io.vhostdma.vhost.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcall handles for the libc functions the project uses. Every handle that can fail captures
 * errno: its first argument is the calling thread's capture segment ({@link #state()}).
 *
 * <p>Hot-path handles ({@code read}, {@code write}, {@code epoll_wait}) use the per-thread capture
 * segment, so calling them allocates nothing after a thread's first call.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE));

    static final MethodHandle SOCKET = errno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle SOCKETPAIR = errno("socketpair", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle BIND = errno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle LISTEN = errno("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle ACCEPT4 = errno("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle CONNECT = errno("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SENDMSG = errno("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle RECVMSG = errno("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle CLOSE = errno("close", JAVA_INT, JAVA_INT);
    static final MethodHandle DUP2 = errno("dup2", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle UNLINK = errno("unlink", JAVA_INT, ADDRESS);
    static final MethodHandle FCHMOD = errno("fchmod", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle FCHMODAT = errno("fchmodat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle MEMFD_CREATE = errno("memfd_create", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle FTRUNCATE = errno("ftruncate", JAVA_INT, JAVA_INT, JAVA_LONG);
    static final MethodHandle MMAP = errno("mmap", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    static final MethodHandle MUNMAP = errno("munmap", JAVA_INT, ADDRESS, JAVA_LONG);
    static final MethodHandle EVENTFD = errno("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle READ = errno("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    static final MethodHandle WRITE = errno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    static final MethodHandle EPOLL_CREATE1 = errno("epoll_create1", JAVA_INT, JAVA_INT);
    static final MethodHandle EPOLL_CTL = errno("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle EPOLL_WAIT = errno("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle FCNTL = errnoVariadic("fcntl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle FSTAT = errno("fstat", JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle OPEN = errnoVariadic("open", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle IOCTL = errnoVariadic("ioctl", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    static final MethodHandle SCHED_SETAFFINITY = errno("sched_setaffinity", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    static final MethodHandle GETPAGESIZE = plain("getpagesize", JAVA_INT);
    static final MethodHandle PWRITE = errno("pwrite", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    /** {@code syscall(nr, long, pointer)}: io_setup. */
    static final MethodHandle SYSCALL_LONG_PTR = syscall(JAVA_LONG, ADDRESS);
    /** {@code syscall(nr, long)}: io_destroy. */
    static final MethodHandle SYSCALL_LONG = syscall(JAVA_LONG);
    /**
     * {@code syscall(nr, long, long, long)}: io_submit on the notification path, its pointer argument passed as
     * an address (a long: no segment per call). Neither errno capture (it would allocate until the call site is
     * compiled; a failure needs no errno) nor {@code critical}: it names a peer's eventfd, and nothing that
     * touches a peer's fd runs as a critical downcall.
     */
    static final MethodHandle SYSCALL_3_LONGS = plainSyscall(JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle STRERROR = plain("strerror", ADDRESS, JAVA_INT);

    // Hot-path variants without errno capture: the JDK materialises a segment per call to check the
    // capture-state argument until the call site is fully compiled, which would allocate on a worker
    // that calls them only on wake-up and notify paths. Callers get -1 and need no errno: read and
    // write of a non-blocking eventfd fail only with EAGAIN, epoll_wait with EINTR.
    // Only for eventfds this process created non-blocking and no untrusted peer can re-flag (the workers'
    // wake-up fds, the Java front end's own notifiers): a peer's fd is never touched by a critical call.
    /** {@code read} of a non-blocking fd; {@code critical}: never blocks. */
    static final MethodHandle READ_FAST = critical("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    /** {@code write} of a non-blocking fd; {@code critical}: never blocks. */
    static final MethodHandle WRITE_FAST = critical("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    /** {@code epoll_wait} without errno capture (it blocks, so it is not {@code critical}). */
    static final MethodHandle EPOLL_WAIT_PLAIN = plain("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

    private Libc() {
    }

    /** The calling thread's errno capture segment (allocated once per thread). */
    static MemorySegment state() {
        return STATE.get();
    }

    /** errno left in the calling thread's capture segment by its last captured call. */
    static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    /** The C library's text for an errno value. */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Throws the call's {@link SysException} for the calling thread's errno. */
    static SysException fail(String call, String context) {
        return new SysException(call, errno(), context);
    }

    static RuntimeException rethrow(String call, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(call + ": downcall failed", t);
    }

    private static MethodHandle errno(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args),
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle errnoVariadic(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    }

    private static MethodHandle syscall(MemoryLayout... args) {
        return LINKER.downcallHandle(find("syscall"), FunctionDescriptor.of(JAVA_LONG, prepend(args)),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
    }

    private static MethodHandle plainSyscall(MemoryLayout... args) {
        return LINKER.downcallHandle(find("syscall"), FunctionDescriptor.of(JAVA_LONG, prepend(args)),
                Linker.Option.firstVariadicArg(1));
    }

    private static MemoryLayout[] prepend(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 1];
        all[0] = JAVA_LONG; // the system call number
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    private static MethodHandle plain(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args));
    }

    private static MethodHandle critical(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args), Linker.Option.critical(false));
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
    }
}
