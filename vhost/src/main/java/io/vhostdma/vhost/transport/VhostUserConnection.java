package io.vhostdma.vhost.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.vertx.core.internal.ContextInternal;
import io.vhostdma.vhost.internal.sys.Errno;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.MessageBuffer;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.DataPlane;
import io.vhostdma.vhost.protocol.GuestMemoryListener;
import io.vhostdma.vhost.protocol.MessageHeader;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import io.vhostdma.vhost.protocol.ProtocolException;
import io.vhostdma.vhost.protocol.Reply;
import io.vhostdma.vhost.protocol.SessionCounters;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.protocol.VhostUserSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One connected vhost-user socket, registered as an io_uring {@link IoUringIoHandle} on a Vert.x
 * event loop. Read cycle: RECVMSG of the 12-byte header (control space for 8 fds; MSG_CTRUNC is a
 * protocol error), RECVMSG of {@code size} payload bytes (looping on short reads), then
 * {@link VhostUserSession#handle}; once that completes, the reply is sent with a direct
 * non-blocking {@code sendmsg} (a full socket is retried after a POLLOUT poll) and the next header
 * is read. At most one submission is in flight. EOF, an error or a protocol error disconnects: the
 * in-flight submission is cancelled (ASYNC_CANCEL), the session is torn down, and only once both
 * finished are the socket closed and the buffers freed.
 */
final class VhostUserConnection implements IoUringIoHandle {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.vhost.transport");
    private static final short TAG_RECV = 1;
    private static final short TAG_POLL_IN = 2;
    private static final short TAG_POLL_OUT = 3;
    private static final short TAG_CANCEL = 4;
    private static final int[] NO_FDS = new int[0];

    private final int fd;
    private final PortSpec spec;
    private final ContextInternal ctx;
    private final IoEventLoop loop;
    private final PortListener listener;
    private final SessionCounters counters;
    private final VhostUserSession session;
    private final MessageBuffer rx = new MessageBuffer(MessageHeaderLayout.BYTES + MessageHeaderLayout.MAX_PAYLOAD);
    private final MessageBuffer tx = new MessageBuffer(64);
    private final int[] fds = new int[MessageBuffer.MAX_FDS];
    private final int[] scratchFds = new int[MessageBuffer.MAX_FDS];
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private IoRegistration registration;
    private int fdCount;
    private int filled;
    private MessageHeader header;
    private Reply pendingReply;
    /** Bytes of the pending reply already sent, and its length (a full socket resumes mid-reply). */
    private int replySent;
    private int replyLength;
    private long inFlight;
    private int pending;
    private boolean closing;
    private boolean sessionDone;
    private boolean finished;
    private String reason = "closed";

    VhostUserConnection(int fd, PortSpec spec, ContextInternal ctx, DataPlane dataPlane,
            GuestMemoryListener memoryListener, PortListener listener, SessionCounters counters) {
        this.fd = fd;
        this.spec = spec;
        this.ctx = ctx;
        this.loop = (IoEventLoop) ctx.nettyEventLoop();
        this.listener = listener;
        this.counters = counters;
        this.session = new VhostUserSession(spec.name(), spec.queuePairs(), dataPlane, memoryListener, ctx::execute,
                counters);
        session.device().onFault(reason -> onLoop(() -> dataPlaneFault(reason)));
    }

    /** The data plane stopped this front end's rings (its guest memory faulted): close the connection. */
    private void dataPlaneFault(String reason) {
        if (closing) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "port=" + spec.name() + " data plane fault, closing connection: "
                + reason);
        disconnect("data plane fault: " + reason);
    }

    /** Registers on the loop and starts reading; completes {@link #closed()} if that fails. */
    void start() {
        loop.register(this).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.log(System.Logger.Level.ERROR, "port=" + spec.name() + " cannot register connection fd=" + fd
                        + " cause=" + f.cause());
                Fds.close(fd);
                rx.close();
                tx.close();
                closed.complete(null);
                return;
            }
            registration = (IoRegistration) f.getNow();
            counters.connected();
            listener.connected(spec.name(), session.device());
            submitRecv();
        });
    }

    /** The session of this connection. */
    VhostUserSession session() {
        return session;
    }

    VhostDevice device() {
        return session.device();
    }

    /** Whether the connection is being torn down (or is gone); event loop only. */
    boolean closing() {
        return closing;
    }

    /** Completes once the connection is fully torn down. */
    CompletionStage<Void> closed() {
        return closed;
    }

    /** Disconnects (from any thread); completes once torn down. */
    CompletionStage<Void> disconnect() {
        onLoop(() -> disconnect("closed by back end"));
        return closed;
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private void submit(io.netty.channel.IoOps ops) {
        pending++;
        inFlight = registration.submit(ops);
    }

    private void submitRecv() {
        long want = header == null ? MessageHeaderLayout.BYTES - filled
                : MessageHeaderLayout.BYTES + header.size() - filled;
        rx.prepareReceive(filled, want);
        submit(UringOps.recvmsg(fd, rx.msghdrAddress(), TAG_RECV));
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        pending--;
        inFlight = 0;
        if (closing) {
            if (e.data() == TAG_RECV && e.res() > 0) {
                Fds.closeAll(scratchFds, rx.takeFds(scratchFds));
            }
            maybeFinish();
            return;
        }
        try {
            switch (e.data()) {
                case TAG_RECV -> onRecv(e.res());
                case TAG_POLL_IN -> submitRecv();
                case TAG_POLL_OUT -> sendReply();
                default -> { }
            }
        } catch (ProtocolException pe) {
            protocolError(pe);
        } catch (RuntimeException re) {
            LOG.log(System.Logger.Level.ERROR, "port=" + spec.name() + " connection failed: " + re, re);
            disconnect("internal error: " + re.getMessage());
        }
    }

    private void onRecv(int res) {
        if (res == -Errno.EAGAIN) {
            submit(UringOps.pollAdd(fd, UringOps.POLLIN, false, TAG_POLL_IN));
            return;
        }
        if (res <= 0) {
            disconnect(res == 0 ? "EOF" : "recvmsg failed: errno=" + -res);
            return;
        }
        boolean truncated = rx.controlTruncated();
        collectFds();
        if (truncated) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, header == null ? 0 : header.request(),
                    "control data truncated (more than 8 fds?): fds=" + fdCount);
        }
        filled += res;
        if (header == null && filled == MessageHeaderLayout.BYTES) {
            header = MessageHeader.decode(rx.data(), 0);
        }
        if (header != null && filled == MessageHeaderLayout.BYTES + header.size()) {
            dispatch();
        } else {
            submitRecv();
        }
    }

    private void collectFds() {
        int n = rx.takeFds(scratchFds);
        for (int i = 0; i < n; i++) {
            if (fdCount < fds.length) {
                fds[fdCount++] = scratchFds[i];
            } else {
                Fds.close(scratchFds[i]);
            }
        }
    }

    private void dispatch() {
        MessageHeader h = header;
        int count = fdCount;
        fdCount = 0; // the session owns them now
        CompletionStage<Reply> stage = session.handle(h.request(), h.flags(),
                rx.data().asSlice(MessageHeaderLayout.BYTES, h.size()), h.size(), fds, count);
        stage.whenComplete((reply, err) -> onLoop(() -> afterHandle(reply, err)));
    }

    private void afterHandle(Reply reply, Throwable err) {
        if (closing) {
            return;
        }
        if (err != null) {
            Throwable cause = VhostUserSession.cause(err);
            if (cause instanceof ProtocolException pe) {
                protocolError(pe);
            } else {
                LOG.log(System.Logger.Level.ERROR, "port=" + spec.name() + " message failed: " + cause, cause);
                disconnect("internal error: " + cause);
            }
            return;
        }
        header = null;
        filled = 0;
        pendingReply = reply.present() ? reply : null;
        try {
            sendReply();
        } catch (RuntimeException re) {
            disconnect("send failed: " + re.getMessage());
        }
    }

    private void sendReply() {
        if (pendingReply != null) {
            if (replySent == 0) {
                replyLength = pendingReply.writeTo(tx.data(), 0);
            }
            long r;
            try {
                r = UnixSockets.sendFrom(fd, tx, replySent, replyLength, NO_FDS, 0);
            } catch (SysException se) {
                disconnect("sendmsg failed: errno=" + se.errno());
                return;
            }
            if (r > 0) {
                replySent = (int) r;
            }
            if (replySent < replyLength) {
                // the socket is full (the front end does not read): resume where it stopped once writable
                submit(UringOps.pollAdd(fd, UringOps.POLLOUT, false, TAG_POLL_OUT));
                return;
            }
            pendingReply = null;
            replySent = 0;
        }
        submitRecv();
    }

    private void protocolError(ProtocolException e) {
        counters.protocolError(e.kind());
        LOG.log(System.Logger.Level.WARNING, "port=" + spec.name() + " protocol error, closing connection: "
                + e.getMessage());
        listener.protocolError(spec.name(), e);
        disconnect("protocol error: " + e.getMessage());
    }

    private void disconnect(String why) {
        if (closing) {
            return;
        }
        closing = true;
        reason = why;
        if (pending > 0 && inFlight != 0 && registration != null) {
            pending++;
            registration.submit(UringOps.asyncCancel(inFlight, TAG_CANCEL));
        }
        session.disconnect().whenComplete((v, err) -> onLoop(() -> {
            if (err != null) {
                LOG.log(System.Logger.Level.ERROR, "port=" + spec.name() + " session teardown failed: " + err, err);
            }
            sessionDone = true;
            maybeFinish();
        }));
    }

    private void maybeFinish() {
        if (!closing || !sessionDone || pending > 0 || finished) {
            return;
        }
        finished = true;
        if (registration != null) {
            registration.cancel();
        }
        release();
        counters.disconnected();
        listener.disconnected(spec.name(), session.device(), reason);
        closed.complete(null);
    }

    private void release() {
        Fds.close(fd);
        Fds.closeAll(fds, fdCount);
        fdCount = 0;
        rx.close();
        tx.close();
    }

    /** Called by the event loop when it shuts down with this handle still registered. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        session.disconnect();
        Fds.close(fd);
        Fds.closeAll(fds, fdCount);
        closed.complete(null);
    }
}
