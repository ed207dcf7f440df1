package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import java.lang.foreign.MemorySegment;

/**
 * A vhost-user network front end (the driver side: what QEMU or DPDK virtio-user is): owns memfd
 * guest memory and split virtqueues, performs the handshake, and sends and receives frames.
 *
 * <p>Threading: the control plane ({@link #connect}, {@link #close}, {@link #channel()}) is used
 * by one thread; each queue pair's data path ({@link #send}, {@link #receive}, {@link #reclaimTx},
 * {@link #awaitRx}) by one thread at a time. Data-path calls allocate nothing after warm-up and
 * return counts or negative {@code ERR_*} codes instead of throwing.
 */
public final class VhostUserFrontend implements AutoCloseable {
    /** send(): the frame does not fit one TX buffer. */
    public static final int ERR_FRAME_TOO_LARGE = -1;
    /** receive(): the frame is larger than the caller's capacity; it was dropped. */
    public static final int ERR_DST_TOO_SMALL = -2;
    /** receive(): the back end published a malformed used entry; the buffers were re-posted. */
    public static final int ERR_BAD_USED_ENTRY = -3;

    private final FrontendOptions options;
    private final GuestMemoryImage memory;
    private final DriverVirtqueue[] rings;
    private final TxQueue[] tx;
    private final RxQueue[] rx;
    private final QueueCounters[] counters;
    private final Epoll[] rxWaiters;
    private final int[] vringBases;
    private RawChannel channel;
    private ProtocolClient client;
    private Negotiation negotiation;
    private boolean closed;

    private VhostUserFrontend(FrontendOptions options) {
        this.options = options;
        int pairs = options.queuePairs();
        this.memory = GuestMemoryImage.create(options.memorySize(), options.regions(), options.sealedMemory());
        this.rings = new DriverVirtqueue[2 * pairs];
        this.tx = new TxQueue[pairs];
        this.rx = new RxQueue[pairs];
        this.counters = new QueueCounters[pairs];
        this.rxWaiters = new Epoll[pairs];
        this.vringBases = new int[2 * pairs];
        java.util.Arrays.fill(vringBases, -1);
    }

    /** Connects (or accepts, in listen mode) and runs the full handshake; RX rings are pre-filled. */
    public static VhostUserFrontend connect(FrontendOptions options) {
        VhostUserFrontend fe = connectRaw(options);
        try {
            fe.handshake();
            return fe;
        } catch (RuntimeException e) {
            fe.release();
            throw e;
        }
    }

    /**
     * Lays out memory, rings, buffers and eventfds and connects the socket, but sends nothing:
     * the caller drives the handshake ({@link #handshake()}, or {@link #client()} message by message).
     */
    public static VhostUserFrontend connectRaw(FrontendOptions options) {
        VhostUserFrontend fe = new VhostUserFrontend(options);
        try {
            fe.layOut();
            fe.channel = options.listen() ? RawChannel.accept(options.socketPath(), options.timeoutMillis())
                    : RawChannel.connect(options.socketPath());
            fe.client = new ProtocolClient(fe.channel, options.timeoutMillis());
            return fe;
        } catch (RuntimeException e) {
            fe.release();
            throw e;
        }
    }

    private void layOut() {
        for (int i = 0; i < rings.length; i++) {
            rings[i] = DriverVirtqueue.allocate(memory, i, options.ringSize());
            int kick = EventFd.create();
            int call = -1;
            try {
                call = EventFd.create();
            } finally {
                rings[i].setNotifiers(kick, call);
            }
        }
        for (int p = 0; p < tx.length; p++) {
            counters[p] = new QueueCounters();
            rx[p] = new RxQueue(memory, rings[2 * p], counters[p], options.rxBufferSize());
            tx[p] = new TxQueue(memory, rings[2 * p + 1], counters[p], options.txBufferSize());
            rxWaiters[p] = new Epoll(1);
            rxWaiters[p].add(rings[2 * p].callFd(), Epoll.EPOLLIN, p);
        }
    }

    /** Runs the DPDK virtio-user setup sequence on a {@link #connectRaw} front end. */
    public void handshake() {
        if (negotiation != null) {
            throw new IllegalStateException("handshake already done: socket=" + options.socketPath());
        }
        negotiation = Handshake.run(this);
    }

    /** Applies the negotiated features to the rings and pre-fills RX (called before SET_VRING_KICK). */
    void configureQueues(Negotiation n) {
        int header = VirtioNetFeatures.headerLength(n.features());
        boolean eventIdx = n.has(VirtioNetFeatures.EVENT_IDX);
        boolean indirect = options.indirectTx() && n.has(VirtioNetFeatures.INDIRECT_DESC);
        for (DriverVirtqueue q : rings) {
            if (n.has(VirtioNetFeatures.RING_PACKED)) {
                q.usePacked();
            }
            q.configure(eventIdx, options.notificationMode());
            q.disarmInterrupts();
        }
        for (int p = 0; p < tx.length; p++) {
            tx[p].configure(header, indirect);
            rx[p].configure(header, n.has(VirtioNetFeatures.MRG_RXBUF));
            rx[p].prefill();
        }
    }

    // ---- data path ----

    /**
     * Sends {@code frame[offset, offset+length)} on queue pair {@code queuePair}: 1 when queued,
     * 0 when the TX ring is full after reclaiming, {@link #ERR_FRAME_TOO_LARGE}.
     */
    public int send(int queuePair, MemorySegment frame, long offset, int length) {
        TxQueue q = tx[queuePair];
        int r = q.enqueue(frame, offset, length);
        if (r == 1) {
            q.flush();
        }
        return r;
    }

    /**
     * {@link #send(int, MemorySegment, long, int)} with the virtio-net header's offload fields taken from
     * {@code offload} (flags, gso_type, hdr_len, gso_size, csum_start, csum_offset; the caller negotiated CSUM /
     * HOST_TSO4/6 as the fields need, or sends them to test that vhostd refuses them).
     */
    public int send(int queuePair, MemorySegment frame, long offset, int length,
                    io.vhostdma.vhost.offload.OffloadHeader offload) {
        TxQueue q = tx[queuePair];
        int r = q.enqueue(frame, offset, length, offload);
        if (r == 1) {
            q.flush();
        }
        return r;
    }

    /**
     * The offload fields of the virtio-net header of the last frame {@link #receive(int, MemorySegment, long, int)}
     * returned on {@code queuePair} (a reused object, overwritten by the next receive).
     */
    public io.vhostdma.vhost.offload.OffloadHeader lastRxOffload(int queuePair) {
        return rx[queuePair].lastOffload;
    }

    /** Convenience for tests: sends a whole array (allocates a heap segment wrapper). */
    public int send(int queuePair, byte[] frame) {
        return send(queuePair, MemorySegment.ofArray(frame), 0, frame.length);
    }

    /**
     * Sends up to {@code count} frames {@code frames[offsets[i], offsets[i]+lengths[i])} with one
     * publish and at most one kick; returns how many were queued (stops at the first that is not).
     */
    public int sendBurst(int queuePair, MemorySegment frames, long[] offsets, int[] lengths, int count) {
        TxQueue q = tx[queuePair];
        int n = 0;
        while (n < count && q.enqueue(frames, offsets[n], lengths[n]) == 1) {
            n++;
        }
        if (n > 0) {
            q.flush();
        }
        return n;
    }

    /**
     * Receives one frame (virtio-net header stripped) into {@code dst[offset..]}: its length, 0
     * when none is complete, or {@link #ERR_DST_TOO_SMALL} / {@link #ERR_BAD_USED_ENTRY}.
     */
    public int receive(int queuePair, MemorySegment dst, long offset, int capacity) {
        return rx[queuePair].receive(dst, offset, capacity);
    }

    /**
     * Convenience for tests (allocates): the next frame as a new array, or null when none is there;
     * throws {@link FrontendException} carrying the code where {@link #receive(int, MemorySegment, long, int)}
     * returns a negative one.
     */
    public byte[] receive(int queuePair) {
        byte[] buf = new byte[65536];
        int n = receive(queuePair, MemorySegment.ofArray(buf), 0, buf.length);
        if (n < 0) {
            throw new FrontendException("receive failed: queuePair=" + queuePair + " code=" + n);
        }
        return n == 0 ? null : java.util.Arrays.copyOf(buf, n);
    }

    /** Frees TX descriptors the back end has consumed; returns how many. */
    public int reclaimTx(int queuePair) {
        return tx[queuePair].reclaim();
    }

    /** TX frames still owned by the back end. */
    public int txInFlight(int queuePair) {
        return tx[queuePair].inFlightCount();
    }

    /**
     * Waits up to {@code timeoutNanos} until the RX ring of {@code queuePair} has a used entry:
     * arms interrupts, re-checks, sleeps on the call eventfd, disarms. Returns whether one is there.
     */
    public boolean awaitRx(int queuePair, long timeoutNanos) {
        DriverVirtqueue q = rings[2 * queuePair];
        if (q.pendingUsed() > 0) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                q.armInterrupts();
                if (q.pendingUsed() > 0) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (rxWaiters[queuePair].await(RawChannel.millisCeil(left)) > 0) {
                    EventFd.drain(q.callFd());
                    counters[queuePair].rxWakeups++;
                }
            }
        } finally {
            q.disarmInterrupts();
        }
    }

    /** Live counters of {@code queuePair}. */
    public QueueCounters counters(int queuePair) {
        return counters[queuePair];
    }

    // ---- control-plane accessors ----

    public FrontendOptions options() {
        return options;
    }

    /** The negotiated features, or null before the handshake. */
    public Negotiation negotiation() {
        return negotiation;
    }

    /** The raw socket channel (hostile tests). */
    public RawChannel channel() {
        return channel;
    }

    /** The checked request/reply client on {@link #channel()}. */
    public ProtocolClient client() {
        return client;
    }

    public GuestMemoryImage memory() {
        return memory;
    }

    /** Vring {@code index}: 2n = rx of pair n, 2n+1 = tx of pair n. */
    public DriverVirtqueue ring(int index) {
        return rings[index];
    }

    public int ringCount() {
        return rings.length;
    }

    /** The base GET_VRING_BASE returned for {@code ring} at close, or -1. */
    public int vringBaseAtClose(int ring) {
        return vringBases[ring];
    }

    /**
     * After a completed handshake, sends GET_VRING_BASE for every ring (checking each reply); then
     * closes the socket, unmaps guest memory and closes every fd this front end created. A failed
     * GET_VRING_BASE is thrown after everything was released. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        RuntimeException failure = null;
        if (negotiation != null && channel != null) {
            try {
                for (int i = 0; i < rings.length; i++) {
                    vringBases[i] = client.getVringBase(i);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        release();
        if (failure != null) {
            throw failure;
        }
    }

    private void release() {
        closed = true;
        if (channel != null) {
            channel.close();
        }
        for (Epoll e : rxWaiters) {
            if (e != null) {
                e.close();
            }
        }
        for (DriverVirtqueue q : rings) {
            if (q != null) {
                Fds.close(q.kickFd());
                Fds.close(q.callFd());
            }
        }
        memory.close();
    }
}
