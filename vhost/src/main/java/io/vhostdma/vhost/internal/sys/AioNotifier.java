package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Signals eventfds that belong to an untrusted peer (a vhost-user front end's call and err fds) so
 * that nothing the peer does to them can block the caller.
 *
 * <p>A {@code write(2)} of 1 to an eventfd blocks while its counter sits at {@code 0xfffffffffffffffe}
 * unless {@code O_NONBLOCK} is set — and {@code O_NONBLOCK} lives on the open file description the
 * peer shares, so the peer can clear it at any time (checking first is racy, and {@code pwritev2}
 * with {@code RWF_NOWAIT} is refused with EOPNOTSUPP: eventfd has no {@code write_iter}). Instead the
 * kernel signals the eventfd for us: each signal is a Linux AIO request (a 0-byte {@code PREAD} of a
 * private empty memfd) submitted with {@code IOCB_FLAG_RESFD}; the request completes inside
 * {@code io_submit}, and its completion calls the kernel's {@code eventfd_signal()}, which adds 1 to
 * the counter unless it is saturated and wakes the waiters (a KVM irqfd, a poller) exactly as a write
 * does — it never sleeps and ignores {@code O_NONBLOCK}. A saturated counter already has a wake-up
 * pending, so nothing is lost. The kernel also refuses a {@code resfd} that is not an eventfd.
 *
 * <p>Use: {@link #add(int)} each fd to signal, then one {@link #submit()} for the batch (one system
 * call for every signal of a duty cycle); {@link #failed(int)} then tells which could not be submitted
 * (the caller counts them as dropped). Completions are reaped in user space by advancing the ring's
 * {@code head}, so the context never fills. Owned by one thread; allocation-free after construction.
 */
public final class AioNotifier implements AutoCloseable {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    private static final long SYS_IO_SETUP = AARCH64 ? 0 : 206;
    private static final long SYS_IO_DESTROY = AARCH64 ? 1 : 207;
    private static final long SYS_IO_SUBMIT = AARCH64 ? 2 : 209;
    private static final VarHandle RING_INT = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final long context;
    private final MemorySegment ring;
    private final MemorySegment iocbs;
    private final MemorySegment pointers;
    private final boolean[] failed;
    private final int source;
    private int count;

    /**
     * Creates an AIO context for batches of up to {@code capacity} signals.
     *
     * @throws SysException when the kernel offers no AIO context (no CONFIG_AIO, or fs.aio-max-nr used up)
     */
    public AioNotifier(int capacity) {
        this.capacity = capacity;
        this.failed = new boolean[capacity];
        this.iocbs = arena.allocate(IocbLayout.SIZE * capacity, 8);
        this.pointers = arena.allocate(8L * capacity, 8);
        this.source = Memfd.create("vhostd-notify", 0);
        try {
            this.context = setup(2 * capacity);
        } catch (RuntimeException e) {
            Fds.close(source);
            arena.close();
            throw e;
        }
        this.ring = MemorySegment.ofAddress(context).reinterpret(AioRingLayout.LAYOUT.byteSize());
        for (int i = 0; i < capacity; i++) {
            MemorySegment cb = iocbs.asSlice(IocbLayout.SIZE * i, IocbLayout.SIZE);
            cb.set(ValueLayout.JAVA_SHORT, IocbLayout.OPCODE, IocbLayout.CMD_PREAD);
            cb.set(ValueLayout.JAVA_INT, IocbLayout.FILDES, source);
            cb.set(ValueLayout.JAVA_LONG, IocbLayout.BUF, iocbs.address()); // 0 bytes are read: any valid address
            cb.set(ValueLayout.JAVA_LONG, IocbLayout.NBYTES, 0L);
            cb.set(ValueLayout.JAVA_INT, IocbLayout.FLAGS, IocbLayout.FLAG_RESFD);
            pointers.set(ValueLayout.JAVA_LONG, 8L * i, cb.address());
        }
    }

    private static long setup(int events) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctx = a.allocate(ValueLayout.JAVA_LONG);
            long r = (long) Libc.SYSCALL_LONG_PTR.invokeExact(Libc.state(), SYS_IO_SETUP, (long) events, ctx);
            if (r < 0) {
                throw Libc.fail("io_setup", "nr_events=" + events);
            }
            return ctx.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Libc.rethrow("io_setup", t);
        }
    }

    /** Signals queued and not yet submitted. */
    public int count() {
        return count;
    }

    /** Most signals one batch holds. */
    public int capacity() {
        return capacity;
    }

    /**
     * Queues a signal of eventfd {@code fd} for the next {@link #submit()}; returns its index in the batch, or
     * -1 when the batch is full (submit first).
     */
    public int add(int fd) {
        if (count == capacity) {
            return -1;
        }
        iocbs.set(ValueLayout.JAVA_INT, IocbLayout.SIZE * count + IocbLayout.RESFD, fd);
        failed[count] = false;
        return count++;
    }

    /**
     * Submits the queued signals: one {@code io_submit} for the batch, plus one more after each request the
     * kernel refused (it stops at the first it refuses; that one is marked {@link #failed}). Never blocks on
     * the signalled fds. Afterwards {@link #failed(int)} is valid for indexes below the returned count, until
     * the next {@link #add}.
     *
     * @return the number of signals in the batch (the queue is empty again)
     */
    public int submit() {
        int n = count;
        int from = 0;
        while (from < n) {
            long r = submit(from, n - from);
            if (r == n - from) {
                break;
            }
            int refused = from + (int) Math.max(r, 0);
            failed[refused] = true;
            from = refused + 1;
        }
        reap();
        count = 0;
        return n;
    }

    /** Whether signal {@code index} of the last {@link #submit()} was refused by the kernel (dropped). */
    public boolean failed(int index) {
        return failed[index];
    }

    private long submit(int from, int n) {
        try {
            return (long) Libc.SYSCALL_3_LONGS.invokeExact(SYS_IO_SUBMIT, context, (long) n,
                    pointers.address() + 8L * from);
        } catch (Throwable t) {
            throw Libc.rethrow("io_submit", t);
        }
    }

    /**
     * Consumes every posted completion: the requests completed inside io_submit, and nothing reads their
     * events. Acquire of tail (the kernel's store of posted events), release of head (the kernel reads it
     * when it runs short of free slots).
     */
    private void reap() {
        int tail = (int) RING_INT.getAcquire(ring, AioRingLayout.TAIL);
        RING_INT.setRelease(ring, AioRingLayout.HEAD, tail);
    }

    /** Destroys the context (no request is ever outstanding) and closes the source memfd. */
    @Override
    public void close() {
        try {
            long r = (long) Libc.SYSCALL_LONG.invokeExact(Libc.state(), SYS_IO_DESTROY, context);
            if (r < 0) {
                throw Libc.fail("io_destroy", "ctx=0x" + Long.toHexString(context));
            }
        } catch (Throwable t) {
            throw Libc.rethrow("io_destroy", t);
        } finally {
            Fds.close(source);
            arena.close();
        }
    }
}
