package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.dirtylog.DirtyLog;
import io.vhostdma.vhost.dirtylog.LogBitmap;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.net.VirtioNetFeatures;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The session's dirty-logging messages (live migration): SET_LOG_BASE, SET_LOG_FD, LOG_ALL in SET_FEATURES and the
 * LOG flag of SET_VRING_ADDR, applied to the device's {@link DirtyLog}. Every change that makes the data plane log
 * more (a new bitmap, LOG_ALL on, a ring's LOG flag) is answered only after a data-plane quiesce, so that every
 * guest write a worker makes after the answer is logged; a replaced bitmap is unmapped after that quiesce too.
 * Runs on the connection's event loop.
 */
final class LogControl {
    private final VhostDevice device;
    private final DataPlane dataPlane;
    private final Executor loop;

    LogControl(VhostDevice device, DataPlane dataPlane, Executor loop) {
        this.device = device;
        this.dataPlane = dataPlane;
        this.loop = loop;
    }

    /**
     * SET_LOG_BASE: checks the payload and the fd (shared memory, long enough), maps the bitmap, publishes it and
     * replies u64 0 (LOG_SHMFD's reply) once the old bitmap, if any, is unmapped. The fd is closed with the message
     * (the mapping keeps the memory).
     */
    CompletionStage<Reply> setLogBase(VhostUserSession session, Message m) {
        session.requireProtocolFeature(m, ProtocolFeatures.LOG_SHMFD, "LOG_SHMFD");
        LogBase b = LogBase.decode(m);
        LogBitmap bitmap;
        try {
            bitmap = LogBitmap.map(m.peekFd(0), b.size(), b.offset());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, m.request(), e.getMessage());
        } catch (SysException e) {
            throw new ProtocolException(ProtocolException.Kind.MAP_FAILED, m.request(), "cannot map log: mmap-size=0x"
                    + Long.toHexString(b.size()) + " cause=" + e.getMessage(), e);
        }
        LogBitmap old = device.dirtyLog().swapBitmap(bitmap);
        return settled().thenApply(v -> {
            if (old != null) {
                old.close();
            }
            return Reply.u64(m.request(), 0);
        });
    }

    /** SET_LOG_FD: keeps the eventfd (vhostd never signals it: QEMU reads the bitmap itself) and closes the old one. */
    CompletionStage<Reply> setLogFd(VhostUserSession session, Message m) {
        session.requireProtocolFeature(m, ProtocolFeatures.LOG_SHMFD, "LOG_SHMFD");
        if (m.size() != 0 && m.size() != 8) {
            throw new ProtocolException(ProtocolException.Kind.BAD_SIZE, m.request(),
                    "wrong payload size: size=" + m.size() + " expected=0 or 8");
        }
        m.expectFds(1);
        if (!EventFd.isEventFd(m.peekFd(0))) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, m.request(),
                    "log fd is not an eventfd: fd-kind=" + Fds.describe(m.peekFd(0)));
        }
        Fds.close(device.dirtyLog().swapLogFd(m.takeFd(0)));
        return CompletableFuture.completedStage(Reply.NONE);
    }

    /** SET_FEATURES: LOG_ALL on or off (the one bit that may change while rings run); completes when in effect. */
    CompletionStage<Reply> features(long features) {
        boolean on = (features & VirtioNetFeatures.LOG_ALL) != 0;
        boolean more = on && !device.dirtyLog().logAll();
        device.dirtyLog().logAll(on);
        return more ? settled().thenApply(v -> Reply.NONE) : CompletableFuture.completedStage(Reply.NONE);
    }

    /** SET_VRING_ADDR: ring {@code ring}'s used-ring log address (or none); completes when in effect. */
    CompletionStage<Void> usedLog(int ring, long gpa) {
        long old = device.dirtyLog().usedLogAddress(ring);
        device.dirtyLog().usedLog(ring, gpa);
        return gpa != old && gpa != DirtyLog.NO_ADDRESS ? settled() : CompletableFuture.completedStage(null);
    }

    /** Disconnect (every ring detached and quiesced): unmaps the bitmap and closes the log fd. */
    void shutdown() {
        LogBitmap old = device.dirtyLog().reset();
        if (old != null) {
            old.close();
        }
        Fds.close(device.dirtyLog().swapLogFd(-1));
    }

    /** Completes on the loop once every data-plane thread passed a quiescent point (even if the quiesce failed). */
    private CompletionStage<Void> settled() {
        return dataPlane.quiesce().handleAsync((v, err) -> null, loop);
    }
}
