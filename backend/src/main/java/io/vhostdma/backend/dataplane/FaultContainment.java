package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.MappingProbe;
import io.vhostdma.vhost.virtq.PathStatus;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;

/**
 * What one {@link Worker} does when its data path throws, so that nothing a guest causes kills or wedges it.
 *
 * <p>Two kinds of failure:
 * <ul>
 *   <li><b>Guest memory faults.</b> A front end that shrinks the file behind a mapped region makes the next
 *       access raise SIGBUS, which HotSpot turns into an {@link InternalError} in the accessing thread. The
 *       worker cannot tell from the error whose memory it was (a copy reads one guest and writes another), so it
 *       probes the memory of every connected front end ({@link MappingProbe}: the kernel reads one byte at each
 *       end of each region and answers EFAULT instead of signalling) and reports each whose mapping is no
 *       longer backed ({@link VhostDevice#reportFault}): from then on every worker treats that device's rings as
 *       stopped (they never touch its memory again, counted as a ring error each) and its connection is closed,
 *       which detaches and drains the rings, revokes and unmaps the memory and closes the fds.</li>
 *   <li><b>Anything else</b> (a bug, a closed arena): contained to the TX ring being served. The chains it took
 *       in this burst are returned (used len 0) and published, then the ring is stopped, counted and logged.</li>
 * </ul>
 * A TX ring whose frame was being copied into (or out of) another front end's faulting memory is innocent: its
 * frame is dropped (counted {@code rx_ring_error} on the faulted destination) and it goes on. Either way the used entries other rings got in this cycle are still published, and the worker goes on with its
 * next duty cycle. A ring stopped this way still drains: its chains are forgotten instead of written back, so
 * GET_VRING_BASE, memory-table swaps and disconnects complete. Worker thread only.
 */
final class FaultContainment implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");

    private final Worker worker;
    private final DataPlaneImpl plane;
    private final MappingProbe probe = new MappingProbe();

    FaultContainment(Worker worker, DataPlaneImpl plane) {
        this.worker = worker;
        this.plane = plane;
    }

    /** Rethrows the VM's own errors (out of memory, stack overflow); everything else can be contained. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof InternalError)) {
            throw vme;
        }
    }

    /**
     * The duty cycle threw {@code e} while serving TX ring {@code ring} (null: elsewhere). Contains it and
     * publishes what the cycle already did. (The frame being moved was finished on the way out: its holds ended,
     * its bounce copy and hand-off or send-ring slot went back.)
     */
    void contain(TxRing ring, Throwable e) {
        RxRing dst = e instanceof RingFault f ? f.ring : null;
        Throwable cause = e instanceof RingFault f ? f.getCause() : e;
        int faulty = cause instanceof InternalError ? reportFaultyMemory() : 0;
        if (dst != null && dst.device.faulted()) {
            dst.counters.drop(DropReason.RX_RING_ERROR); // the frame being written into the faulted guest
        }
        if (ring != null && ring.device.faulted()) {
            stopFaulted(ring);
        } else if (ring != null && faulty > 0) {
            ring.fifo.retire(worker.dirty); // innocent: another guest's memory faulted under its frame; it goes on
        } else if (ring != null && !ring.queue.broken()) {
            returnTaken(ring);
            stop(ring, cause);
        } else if (faulty == 0) {
            LOG.log(Level.ERROR, "data-plane fault contained: worker=" + worker.id + " error=" + cause);
        }
        worker.flushUsed(); // guarded per ring: a faulting ring is stopped, the others are published
    }

    /** Publishing or notifying ring {@code r} threw {@code e}: stop that ring (or its port, for a memory fault). */
    void ringFault(OwnedRing r, Throwable e) {
        if (e instanceof InternalError) {
            reportFaultyMemory();
        }
        if (r.device.faulted()) {
            stopFaulted(r);
        } else {
            stop(r, e);
        }
    }

    /** Stops a ring of a device whose memory faulted: counted; no guest memory is touched again. */
    void stopFaulted(OwnedRing r) {
        r.stop(PathStatus.ERR_FAULT, worker.signals);
    }

    private void stop(OwnedRing r, Throwable e) {
        if (r.queue.broken()) {
            return; // stopped before
        }
        r.stop(PathStatus.ERR_FAULT, worker.signals);
        LOG.log(Level.ERROR, "data-plane fault contained: worker=" + worker.id + " " + r.describe()
                + " ring stopped, error=" + e);
    }

    /** Returns (used len 0) the chains TX ring {@code r} took that nothing holds any more, before it stops. */
    private void returnTaken(TxRing r) {
        try {
            r.fifo.retire(null);
            r.queue.publishUsed(); // what the burst returned (before the throw, too) reaches the driver
        } catch (RuntimeException | Error e) {
            rethrowIfFatal(e); // its memory is gone as well: the chains are forgotten when it drains
        }
    }

    /**
     * Probes every connected front end's memory and reports each whose mapping is no longer backed by its file.
     *
     * @return how many were reported now
     */
    int reportFaultyMemory() {
        int found = 0;
        for (PortState p : plane.ports()) {
            VhostDevice d = p.device();
            if (d == null || d.faulted()) {
                continue;
            }
            GuestMemory m = d.memory();
            int region = faultingRegion(m);
            if (region >= 0) {
                LOG.log(Level.WARNING, "guest memory fault: port=" + p.name() + " region=" + region + " gpa=0x"
                        + Long.toHexString(m.gpaBase(region)) + " size=" + m.size(region)
                        + ": the front end shrank the file under the mapping; the port's rings stop and its"
                        + " connection is closed");
                d.reportFault("guest memory region " + region + " is no longer backed by its file");
                found++;
            }
        }
        return found;
    }

    private int faultingRegion(GuestMemory m) {
        try {
            for (int i = 0; i < m.regionCount(); i++) {
                MemorySegment s = m.segment(i);
                if (!probe.readable(s, 0) || !probe.readable(s, s.byteSize() - 1)) {
                    return i;
                }
            }
        } catch (RuntimeException e) {
            // that table was unmapped meanwhile (replaced by a newer one): nothing of it is touched any more
        }
        return -1;
    }

    @Override
    public void close() {
        probe.close();
    }
}
