package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The per-connection vhost-user state machine (back-end side). The transport feeds it one message
 * at a time, strictly in order: it reads the next message only after the stage returned by
 * {@link #handle} completed, and sends that stage's {@link Reply} when one is present.
 *
 * <p>Dispatch is table-driven ({@link RequestTable}): one small handler per request. A handler
 * decodes its payload into a validated record, changes the {@link VhostDevice}, and completes once
 * the change is in effect; acks for NEED_REPLY (REPLY_ACK negotiated) are added here. A broken
 * rule fails the stage with {@link ProtocolException}; the transport then closes the connection
 * and calls {@link #disconnect()}.
 *
 * <p>Threading: {@code handle} and {@code disconnect} are called on the connection's event loop,
 * and every continuation of a data-plane future is re-entered through {@code loop}; nothing here
 * blocks. Fds: every fd passed to {@code handle} becomes the session's; it is either kept (closed
 * when replaced or at disconnect) or closed before {@code handle} returns.
 */
public final class VhostUserSession {
    /** Protocol features we offer: MQ, LOG_SHMFD, RARP, REPLY_ACK, MTU, CONFIGURE_MEM_SLOTS, STATUS. */
    public static final long OFFERED_PROTOCOL_FEATURES = ProtocolFeatures.bit(ProtocolFeatures.MQ)
            | ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK) | ProtocolFeatures.bit(ProtocolFeatures.MTU)
            | ProtocolFeatures.bit(ProtocolFeatures.STATUS)
            | ProtocolFeatures.bit(ProtocolFeatures.LOG_SHMFD) | ProtocolFeatures.bit(ProtocolFeatures.RARP)
            | ProtocolFeatures.bit(ProtocolFeatures.CONFIGURE_MEM_SLOTS);
    static final int MIN_MTU = 68;
    static final int MAX_MTU = 65535;

    private final VhostDevice device;
    private final DataPlane dataPlane;
    private final Executor loop;
    private final SessionCounters counters;
    final RingControl rings;
    final LogControl logs;
    final MemorySlots slots;
    private long protocolFeatures;
    private boolean featuresSet;
    private boolean owner;
    private int status;
    private MemoryTable table;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private boolean closed;

    /**
     * A session for one connection of port {@code portName} whose guest memory nobody registers
     * ({@link GuestMemoryListener#NONE}: no DMA layer).
     *
     * @param loop runs continuations on the connection's event loop (e.g. a Vert.x context's
     *             {@code execute}); {@code Runnable::run} in single-threaded tests
     */
    public VhostUserSession(String portName, int queuePairs, DataPlane dataPlane, Executor loop,
            SessionCounters counters) {
        this(portName, queuePairs, dataPlane, GuestMemoryListener.NONE, loop, counters);
    }

    /**
     * A session for one connection of port {@code portName} whose guest memory {@code memoryListener} registers
     * (with a DMA layer) in the order {@link GuestMemoryListener} describes.
     */
    public VhostUserSession(String portName, int queuePairs, DataPlane dataPlane, GuestMemoryListener memoryListener,
            Executor loop, SessionCounters counters) {
        this.device = new VhostDevice(portName, queuePairs);
        this.dataPlane = dataPlane;
        this.loop = loop;
        this.counters = counters;
        this.rings = new RingControl(device, dataPlane, memoryListener, loop);
        this.logs = new LogControl(device, dataPlane, loop);
        this.slots = new MemorySlots(device, rings);
    }

    /** The device the data plane reads. */
    public VhostDevice device() {
        return device;
    }

    /** Negotiated protocol features (SET_PROTOCOL_FEATURES). */
    public long protocolFeatures() {
        return protocolFeatures;
    }

    /** Device status (SET_STATUS). */
    public int status() {
        return status;
    }

    /** Whether SET_OWNER was received (DPDK's reconnect omits it; nothing depends on it). */
    public boolean owned() {
        return owner;
    }

    /**
     * Processes one message. {@code payload[0, payloadSize)} is read before this method returns;
     * {@code fds[0, fdCount)} are owned by the session from now on. Completes with the reply to
     * send ({@link Reply#NONE} for none), or fails with {@link ProtocolException}.
     */
    public CompletionStage<Reply> handle(int request, int flags, MemorySegment payload, int payloadSize,
            int[] fds, int fdCount) {
        Message m = new Message(request, flags, payload, payloadSize, fds, fdCount);
        CompletionStage<Reply> stage;
        try {
            if (closed) {
                throw new ProtocolException(ProtocolException.Kind.BAD_STATE, request, "session is closed");
            }
            MessageHeader.checkFlags(request, flags);
            stage = RequestTable.handler(request).handle(this, m);
        } catch (ProtocolException e) {
            stage = CompletableFuture.failedFuture(e);
        } finally {
            m.closeUntakenFds();
        }
        CompletableFuture<Reply> done = stage.toCompletableFuture().thenApply(r -> complete(m, r));
        tail = done;
        return done;
    }

    private Reply complete(Message m, Reply r) {
        counters.messageHandled(m.request());
        if (r.present()) {
            return r;
        }
        return m.needReply() && replyAck() ? Reply.ack(m.request(), 0) : Reply.NONE;
    }

    /**
     * Ends the session after the message in flight (if any): detaches every started ring, unmaps
     * guest memory after a quiesce, closes every fd, forgets the features. Idempotent.
     */
    public CompletionStage<Void> disconnect() {
        if (closed) {
            return tail.handle((r, e) -> null);
        }
        closed = true;
        CompletableFuture<Void> done = tail.handleAsync((r, e) -> null, loop)
                .thenCompose(v -> rings.shutdown())
                .thenRun(() -> {
                    logs.shutdown();
                    slots.closeAll();
                    protocolFeatures = 0;
                    featuresSet = false;
                    table = null;
                });
        tail = done;
        return done;
    }

    /** Unwraps {@link CompletionException}s to the cause a stage failed with. */
    public static Throwable cause(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    boolean replyAck() {
        return (protocolFeatures & ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK)) != 0;
    }

    void requireProtocolFeature(Message m, int bit, String name) {
        if ((protocolFeatures & ProtocolFeatures.bit(bit)) == 0) {
            throw new ProtocolException(ProtocolException.Kind.NOT_NEGOTIATED, m.request(),
                    "protocol feature not negotiated: feature=" + name + " protocol-features=0x"
                            + Long.toHexString(protocolFeatures));
        }
    }

    // ---- device-level handlers (one per request; the table in RequestTable points here) ----

    CompletionStage<Reply> getFeatures(Message m) {
        m.expectSize(0).expectFds(0);
        return done(Reply.u64(m.request(), VirtioNetFeatures.OFFERED));
    }

    CompletionStage<Reply> setFeatures(Message m) {
        long v = m.expectFds(0).u64();
        long unoffered = v & ~VirtioNetFeatures.OFFERED;
        if (unoffered != 0) {
            throw new ProtocolException(ProtocolException.Kind.UNOFFERED_FEATURE, m.request(),
                    "feature bits not offered: features=0x" + Long.toHexString(v) + " unoffered=0x"
                            + Long.toHexString(unoffered));
        }
        if (featuresSet && ((v ^ device.features()) & ~VirtioNetFeatures.LOG_ALL) != 0 && rings.anyStarted()) {
            throw new ProtocolException(ProtocolException.Kind.BAD_STATE, m.request(),
                    "features changed while rings run: old=0x" + Long.toHexString(device.features())
                            + " new=0x" + Long.toHexString(v));
        }
        device.features(v);
        featuresSet = true;
        if ((v & ProtocolFeatures.VIRTIO_F_PROTOCOL_FEATURES) == 0) {
            for (int i = 0; i < device.ringCount(); i++) {
                device.ring(i).enabled(true);
            }
        }
        return logs.features(v);
    }

    CompletionStage<Reply> setOwner(Message m) {
        m.expectSize(0).expectFds(0);
        owner = true;
        return none();
    }

    CompletionStage<Reply> resetOwner(Message m) {
        m.expectSize(0).expectFds(0);
        for (int i = 0; i < device.ringCount(); i++) {
            device.ring(i).enabled(false);
        }
        return none();
    }

    CompletionStage<Reply> getProtocolFeatures(Message m) {
        m.expectSize(0).expectFds(0);
        return done(Reply.u64(m.request(), OFFERED_PROTOCOL_FEATURES));
    }

    CompletionStage<Reply> setProtocolFeatures(Message m) {
        long v = m.expectFds(0).u64();
        long unoffered = v & ~OFFERED_PROTOCOL_FEATURES;
        if (unoffered != 0) {
            throw new ProtocolException(ProtocolException.Kind.UNOFFERED_FEATURE, m.request(),
                    "protocol feature bits not offered: protocol-features=0x" + Long.toHexString(v)
                            + " unoffered=0x" + Long.toHexString(unoffered));
        }
        protocolFeatures = v;
        return none();
    }

    CompletionStage<Reply> getQueueNum(Message m) {
        m.expectSize(0).expectFds(0);
        requireProtocolFeature(m, ProtocolFeatures.MQ, "MQ");
        return done(Reply.u64(m.request(), device.queuePairs()));
    }

    CompletionStage<Reply> netSetMtu(Message m) {
        long v = m.expectFds(0).u64();
        requireProtocolFeature(m, ProtocolFeatures.MTU, "MTU");
        boolean valid = v >= MIN_MTU && v <= MAX_MTU;
        if (valid) {
            device.mtu((int) v);
        }
        // an out-of-range MTU is refused with a failure ack; the connection stays up
        return done(valid || !(m.needReply() && replyAck()) ? Reply.NONE : Reply.ack(m.request(), 1));
    }

    CompletionStage<Reply> setStatus(Message m) {
        long v = m.expectFds(0).u64();
        requireProtocolFeature(m, ProtocolFeatures.STATUS, "STATUS");
        if ((v & ~0xffL) != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "status out of range: status=0x" + Long.toHexString(v));
        }
        status = (int) v;
        return none();
    }

    CompletionStage<Reply> getStatus(Message m) {
        m.expectSize(0).expectFds(0);
        requireProtocolFeature(m, ProtocolFeatures.STATUS, "STATUS");
        return done(Reply.u64(m.request(), status));
    }

    CompletionStage<Reply> setMemTable(Message m) {
        MemoryTable next = MemoryTable.decode(m);
        if (next.sameMapping(table)) {
            return none(); // unchanged: the fds are closed with the message
        }
        var memory = GuestMemoryMapper.map(next, m, device.portName());
        return rings.replaceMemory(m.request(), memory).thenApply(v -> {
            slots.closeAll(); // a table replaces every added region (unmapped now: the swap quiesced)
            table = next;
            return Reply.NONE;
        });
    }

    CompletionStage<Reply> sendRarp(Message m) {
        m.expectSize(8).expectFds(0);
        requireProtocolFeature(m, ProtocolFeatures.RARP, "RARP");
        dataPlane.announce(device, io.vhostdma.vhost.net.RarpFrame.macOf(m.payload()));
        return none();
    }

    CompletionStage<Reply> getMaxMemSlots(Message m) {
        requireProtocolFeature(m, ProtocolFeatures.CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS");
        return slots.getMax(m);
    }

    CompletionStage<Reply> addMemReg(Message m) {
        requireProtocolFeature(m, ProtocolFeatures.CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS");
        return slots.add(m, table != null);
    }

    CompletionStage<Reply> remMemReg(Message m) {
        requireProtocolFeature(m, ProtocolFeatures.CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS");
        return slots.remove(m);
    }

    CompletionStage<Reply> notNegotiated(Message m) {
        throw new ProtocolException(ProtocolException.Kind.NOT_NEGOTIATED, m.request(),
                "request needs a feature we do not offer: protocol-features=0x" + Long.toHexString(protocolFeatures));
    }

    CompletionStage<Reply> unknown(Message m) {
        throw new ProtocolException(ProtocolException.Kind.UNKNOWN_REQUEST, m.request(),
                "unknown request: request=" + m.request() + " size=" + m.size() + " fds=" + m.fdCount());
    }

    // ---- per-ring handlers ----

    CompletionStage<Reply> setVringNum(Message m) {
        VringState s = VringState.decode(m, device.queuePairs());
        requireStopped(m, s.index());
        boolean packed = device.packed(); // a packed ring may have any size (virtio 1.2 §2.8)
        if (s.num() < 1 || s.num() > VringConfig.MAX_SIZE || (!packed && Integer.bitCount(s.num()) != 1)) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(), (packed
                    ? "packed ring size not in 1..32768: ring=" : "ring size not a power of two in 1..32768: ring=")
                    + s.index() + " num=" + s.num());
        }
        device.ring(s.index()).size(s.num());
        return none();
    }

    CompletionStage<Reply> setVringBase(Message m) {
        VringState s = VringState.decode(m, device.queuePairs());
        requireStopped(m, s.index());
        if ((s.num() & 0xffff0000) != 0 && !device.packed()) { // packed: used position and wrap in bits 16-31
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "split-ring base above 16 bits: ring=" + s.index() + " num=0x" + Integer.toHexString(s.num()));
        }
        device.ring(s.index()).lastAvailIndex(s.num());
        return none();
    }

    CompletionStage<Reply> setVringAddr(Message m) {
        VringAddr a = VringAddr.decode(m, device.queuePairs());
        VringConfig r = device.ring(a.index());
        CompletionStage<Void> logged = logs.usedLog(a.index(), a.usedLogAddress());
        if (r.started() && r.descUva() == a.desc() && r.availUva() == a.avail() && r.usedUva() == a.used()) {
            return logged.thenApply(v -> Reply.NONE);
        }
        return logged.thenCompose(v -> rings.restartWith(m.request(), a.index(),
                () -> r.addresses(a.desc(), a.avail(), a.used()))).thenApply(v -> Reply.NONE);
    }

    CompletionStage<Reply> getVringBase(Message m) {
        VringState s = VringState.decode(m, device.queuePairs());
        VringConfig r = device.ring(s.index());
        return rings.stop(s.index()).thenApply(v -> {
            Fds.close(r.clearKick());
            return Reply.vringState(m.request(), s.index(), r.lastAvailIndex());
        });
    }

    CompletionStage<Reply> setVringKick(Message m) {
        FdIndex k = FdIndex.decode(m, device.queuePairs());
        VringConfig r = device.ring(k.index());
        boolean[] installed = {false};
        return rings.restartWith(m.request(), k.index(), () -> {
            installed[0] = true; // from here the ring owns the fd (closed when replaced or at disconnect)
            Fds.close(r.swapKickFd(k.fd()));
        }).whenComplete((v, err) -> {
            if (err != null && !installed[0]) {
                Fds.close(k.fd()); // the ring never stopped: the new kick was never installed
            }
        }).thenApply(v -> Reply.NONE);
    }

    CompletionStage<Reply> setVringCall(Message m) {
        FdIndex c = FdIndex.decode(m, device.queuePairs());
        int old = device.ring(c.index()).swapCallFd(c.fd());
        return rings.swapNotifier(c.index(), old).thenApply(v -> Reply.NONE);
    }

    CompletionStage<Reply> setVringErr(Message m) {
        FdIndex e = FdIndex.decode(m, device.queuePairs());
        int old = device.ring(e.index()).swapErrFd(e.fd());
        return rings.swapNotifier(e.index(), old).thenApply(v -> Reply.NONE);
    }

    CompletionStage<Reply> setVringEnable(Message m) {
        VringState s = VringState.decode(m, device.queuePairs());
        if (featuresSet && (device.features() & ProtocolFeatures.VIRTIO_F_PROTOCOL_FEATURES) == 0) {
            throw new ProtocolException(ProtocolException.Kind.NOT_NEGOTIATED, m.request(),
                    "SET_VRING_ENABLE without PROTOCOL_FEATURES (bit 30): ring=" + s.index());
        }
        if (s.num() != 0 && s.num() != 1) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "enable must be 0 or 1: ring=" + s.index() + " num=" + s.num());
        }
        device.ring(s.index()).enabled(s.num() == 1);
        return none();
    }

    private void requireStopped(Message m, int ring) {
        if (device.ring(ring).started()) {
            throw new ProtocolException(ProtocolException.Kind.BAD_STATE, m.request(),
                    "ring is running: ring=" + ring);
        }
    }

    private static CompletionStage<Reply> none() {
        return CompletableFuture.completedStage(Reply.NONE);
    }

    private static CompletionStage<Reply> done(Reply r) {
        return CompletableFuture.completedStage(r);
    }
}
