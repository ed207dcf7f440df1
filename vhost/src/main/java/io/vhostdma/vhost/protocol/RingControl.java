package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Ring lifecycle on the session's event loop: start (attach) once a ring has its kick, size,
 * addresses and a memory table; stop (detach) at GET_VRING_BASE, around memory-table swaps and at
 * disconnect; live swaps of the call and err fds. Every continuation of a data-plane future runs on
 * {@code loop}.
 */
final class RingControl {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final VhostDevice device;
    private final DataPlane dataPlane;
    private final GuestMemoryListener memoryListener;
    private final Executor loop;

    RingControl(VhostDevice device, DataPlane dataPlane, GuestMemoryListener memoryListener, Executor loop) {
        this.device = device;
        this.dataPlane = dataPlane;
        this.memoryListener = memoryListener;
        this.loop = loop;
    }

    boolean anyStarted() {
        for (int i = 0; i < device.ringCount(); i++) {
            if (device.ring(i).started()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attaches ring {@code i} if it is ready: kick received, size and addresses set, a memory table
     * present. Throws when its addresses do not translate into the table or are misaligned.
     */
    void tryStart(int request, int i) {
        VringConfig r = device.ring(i);
        GuestMemory mem = device.memory();
        if (r.started() || !r.kickReceived() || !r.addressesSet() || r.size() == 0 || mem.regionCount() == 0) {
            return;
        }
        long n = r.size();
        boolean packed = device.packed(); // packed: the driver and device event areas, 4 bytes each
        checkPart(request, mem, i, "desc", r.descUva(), 16 * n, 16);
        checkPart(request, mem, i, packed ? "driver" : "avail", r.availUva(), packed ? 4 : 6 + 2 * n, packed ? 4 : 2);
        checkPart(request, mem, i, packed ? "device" : "used", r.usedUva(), packed ? 4 : 6 + 8 * n, 4);
        r.started(true);
        dataPlane.attach(device, i);
    }

    private static void checkPart(int request, GuestMemory mem, int ring, String part, long uva, long len, int align) {
        String ctx = "ring=" + ring + " part=" + part + " uva=0x" + Long.toHexString(uva) + " len=" + len;
        if ((uva & (align - 1)) != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request, "misaligned ring: " + ctx);
        }
        int idx = mem.regionOfUva(uva);
        if (idx < 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request,
                    "ring address not in memory table: " + ctx);
        }
        GuestRegion g = mem.region(idx);
        if (Long.compareUnsigned(uva - g.uva() + len, g.size()) > 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request,
                    "ring crosses the end of its region: " + ctx + " region=" + idx);
        }
    }

    /** Detaches ring {@code i} if started, recording the returned base; completes on the loop. */
    CompletableFuture<Void> stop(int i) {
        VringConfig r = device.ring(i);
        if (!r.started()) {
            return DONE;
        }
        return dataPlane.detach(device, i).handleAsync((base, err) -> {
            r.started(false);
            if (err != null) {
                throw new IllegalStateException("data plane failed to detach: port=" + device.portName()
                        + " ring=" + i, err);
            }
            r.lastAvailIndex(base);
            return null;
        }, loop);
    }

    /** Detaches every started ring; returns a mask of the rings that were started. */
    CompletableFuture<boolean[]> stopAll() {
        boolean[] was = new boolean[device.ringCount()];
        CompletableFuture<?>[] stops = new CompletableFuture<?>[device.ringCount()];
        for (int i = 0; i < was.length; i++) {
            was[i] = device.ring(i).started();
            stops[i] = stop(i);
        }
        return CompletableFuture.allOf(stops).thenApplyAsync(v -> was, loop);
    }

    /** Stops ring {@code i} (if started), applies {@code change}, then starts it again if ready. */
    CompletableFuture<Void> restartWith(int request, int i, Runnable change) {
        return stop(i).thenRunAsync(() -> {
            change.run();
            tryStart(request, i);
        }, loop);
    }

    /**
     * Swaps the memory table: detach every started ring, publish {@code next}, start every ready
     * ring, await a data-plane quiesce, unmap the old table. Completes once the new table is in
     * effect (the ack may then be sent); fails if a ring does not translate into the new table.
     */
    CompletableFuture<Void> replaceMemory(int request, GuestMemory next) {
        return swapMemory(request, next).whenCompleteAsync((v, err) -> {
            if (err != null && device.memory() != next) {
                next.close(); // failed before the new table was published: nobody saw it, unmap it now
            }
        }, loop);
    }

    private CompletableFuture<Void> swapMemory(int request, GuestMemory next) {
        return retire().thenComposeAsync(v -> stopAll(), loop).thenComposeAsync(was -> {
            GuestMemory old = device.swapMemory(next);
            return memoryListener.memoryChanged(device, old, next).handleAsync((v, err) -> {
                RuntimeException failure = err == null ? null
                        : new IllegalStateException("cannot register guest memory: port=" + device.portName(),
                                VhostUserSession.cause(err));
                try {
                    for (int i = 0; i < device.ringCount() && failure == null; i++) {
                        tryStart(request, i);
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
                return failure;
            }, loop).thenComposeAsync(failure -> dataPlane.quiesce().thenRunAsync(() -> {
                old.close();
                if (failure != null) {
                    throw failure;
                }
            }, loop), loop);
        }, loop);
    }

    /** Asks the memory listener to stop DMA copies touching the current memory, if there is any. */
    private CompletableFuture<Void> retire() {
        if (device.memory().regionCount() == 0) {
            return DONE;
        }
        return memoryListener.memoryRetiring(device).handle((v, err) -> null);
    }

    /** Publishes a new call or err fd on ring {@code i} and closes the old one once nobody uses it. */
    CompletableFuture<Void> swapNotifier(int i, int oldFd) {
        if (oldFd < 0) {
            return DONE;
        }
        if (!device.ring(i).started()) {
            Fds.close(oldFd);
            return DONE;
        }
        // closed even if the quiesce failed (a broken data plane must not leak the fd)
        return dataPlane.quiesce().<Void>handleAsync((v, err) -> {
            Fds.close(oldFd);
            return null;
        }, loop);
    }

    /**
     * Disconnect: detach all, unpublish and unmap memory after a quiesce, close every ring fd. Runs
     * to the end even when the data plane fails a detach or quiesce (the fds must not leak).
     */
    CompletableFuture<Void> shutdown() {
        return retire().thenComposeAsync(v -> stopAll(), loop)
                .handleAsync((was, err) -> device.swapMemory(GuestMemory.EMPTY), loop)
                .thenComposeAsync(old -> memoryListener.memoryChanged(device, old, GuestMemory.EMPTY)
                        .handle((v, err) -> null)
                        .thenCompose(v -> dataPlane.quiesce()).handleAsync((v, err) -> {
                    old.close();
                    for (int i = 0; i < device.ringCount(); i++) {
                        VringConfig r = device.ring(i);
                        Fds.close(r.clearKick());
                        Fds.close(r.swapCallFd(-1));
                        Fds.close(r.swapErrFd(-1));
                        r.enabled(false);
                    }
                    device.features(0);
                    return null;
                }, loop), loop);
    }
}
