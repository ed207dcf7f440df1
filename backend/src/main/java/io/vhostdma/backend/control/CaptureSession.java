package io.vhostdma.backend.control;

import io.vhostdma.backend.control.ControlException.Code;
import io.vhostdma.backend.dataplane.CaptureRing;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.config.QueueRef;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One operator's capture of a port ({@code vhostctl capture}, RPC {@code Capture}): a {@link CaptureRing}
 * installed on the port, so the workers mirror its frames into bounded memory while forwarding them as usual,
 * and read here off the data path. At most one capture per port at a time. Starting and ending one is logged
 * (it reveals a tenant's traffic). Its consumer methods run on one thread at a time.
 */
public final class CaptureSession {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.management");

    private final PortState port;
    private final DataPlaneImpl plane;
    private final CaptureRing ring;
    private final String queues;
    /** Wall-clock nanoseconds minus {@link System#nanoTime()} when the capture started. */
    private final long epochOffset;
    private long frames;
    private boolean closed;

    /** What a consumer is handed for each frame; {@code bytes} is valid only during the call. */
    public interface Frames {
        void frame(long epochNanos, String queue, int originalLength, MemorySegment bytes);
    }

    private CaptureSession(PortState port, DataPlaneImpl plane, CaptureRing ring, String queues) {
        this.port = port;
        this.plane = plane;
        this.ring = ring;
        this.queues = queues;
        Instant now = Instant.now();
        this.epochOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /**
     * Starts capturing {@code queue} of {@code port}: {@code ""} (every queue), {@code N} (rxqN and txqN) or one
     * queue's name. INVALID_ARGUMENT for another selector, NOT_FOUND for a queue the port does not have,
     * ALREADY_EXISTS while the port is captured already.
     */
    static CaptureSession open(PortState port, DataPlaneImpl plane, String queue) {
        boolean[] wanted = selection(port, queue == null ? "" : queue.trim());
        CaptureRing ring = new CaptureRing(wanted);
        if (!port.installCapture(ring)) {
            ring.close();
            throw new ControlException(Code.ALREADY_EXISTS, "port is being captured already: port=" + port.name()
                    + " (one capture per port at a time)");
        }
        String queues = queue == null || queue.isBlank() ? "all" : queue.trim();
        LOG.log(Level.INFO, "capture started: port=" + port.name() + " queue=" + queues);
        return new CaptureSession(port, plane, ring, queues);
    }

    /** Which rings the selector names, by ring index. */
    private static boolean[] selection(PortState port, String queue) {
        boolean[] wanted = new boolean[2 * port.queuePairs()];
        if (queue.isEmpty()) {
            java.util.Arrays.fill(wanted, true);
            return wanted;
        }
        QueueRef one = QueueRef.parse(queue);
        int pair = one != null ? one.queuePair() : queue.matches("\\d{1,3}") ? Integer.parseInt(queue) : -1;
        if (pair < 0) {
            throw new ControlException(Code.INVALID_ARGUMENT, "queue must be N, rxqN or txqN: queue=" + queue);
        }
        if (pair >= port.queuePairs()) {
            throw new ControlException(Code.NOT_FOUND, "no such queue: port=" + port.name() + " queue=" + queue
                    + " (queue-pairs=" + port.queuePairs() + ")");
        }
        if (one != null) {
            wanted[one.ringIndex()] = true;
        } else {
            wanted[2 * pair] = true;
            wanted[2 * pair + 1] = true;
        }
        return wanted;
    }

    /** The captured port's name. */
    public String port() {
        return port.name();
    }

    /** Hands up to {@code max} captured frames to {@code sink}, oldest first per queue pair; returns how many. */
    public int poll(Frames sink, int max) {
        int n = ring.poll((nanoTime, ringIndex, original, bytes) -> sink.frame(nanoTime + epochOffset,
                QueueRef.ofRing(ringIndex).toString(), original, bytes), max);
        frames += n;
        return n;
    }

    /** Frames not captured because the capture's memory was full (its consumer was behind). */
    public long dropped() {
        return ring.dropped();
    }

    /** Whether the port was removed meanwhile (nothing more will be captured). */
    public boolean portRemoved() {
        return port.removed();
    }

    /**
     * Stops mirroring; idempotent. Completes once every worker passed a quiescent point and the memory was freed;
     * when the workers do not answer within 10 s the memory is kept (and logged) rather than freed under a worker
     * that might still write it.
     */
    public CompletableFuture<Void> close() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
        }
        port.removeCapture(ring);
        LOG.log(Level.INFO, "capture ended: port=" + port.name() + " queue=" + queues + " frames=" + frames
                + " dropped=" + ring.dropped());
        return plane.quiesce().orTimeout(10, TimeUnit.SECONDS).handle((v, e) -> {
            if (e == null) {
                ring.close();
            } else {
                LOG.log(Level.WARNING, "capture memory kept: port=" + port.name() + " (workers did not quiesce: " + e
                        + ")");
            }
            return null;
        });
    }
}
