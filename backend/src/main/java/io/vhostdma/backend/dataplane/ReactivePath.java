package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.sg.GatherList;

/**
 * The reactive API path of one {@link Worker}: copies a tapped port's guest TX frames into its
 * {@link PacketTap}, and (on worker 0, the owner of every {@code rxq0}) takes the frames published on
 * the ports' {@link Injector}s through the normal enqueue paths of {@link Delivery}, publishing the
 * injectors' progress after the used rings. Used only on its worker's thread; allocates nothing per packet.
 */
final class ReactivePath {
    private final Worker worker;
    private final int id;
    private final DataPlaneImpl plane;
    private final Delivery delivery;
    /** An injector's frame was taken or finished this cycle: its progress is published after the flush. */
    boolean injectDirty;
    private final GatherList injectFrame = new GatherList(1);

    ReactivePath(Worker worker, DataPlaneImpl plane, Delivery delivery) {
        this.worker = worker;
        this.id = worker.id;
        this.plane = plane;
        this.delivery = delivery;
    }

    // ---- reactive API: the port tap and the injectors ----

    /** A guest TX frame of a tapped port: copied into the receiver's ring, or counted {@code receiver_full}. */
    void tapFrame(RingContext r, PacketTap tap, int len) {
        if (tap.offer(r.queuePair, r.frame, len)) {
            r.counters.packet(len);
        } else {
            r.counters.drop(DropReason.RECEIVER_FULL);
        }
    }

    /** Takes every frame published on the injectors of the ports whose {@code rxq0} this worker owns. */
    int drainInjected() {
        if (id != 0) {
            return 0;
        }
        int work = 0;
        for (PortState p : plane.ports()) {
            Injector in = p.injector();
            int slot;
            while (in != null && (slot = in.peek()) >= 0) {
                in.take(slot, enqueueInjected(p, in, slot));
                injectDirty = true;
                work++;
            }
        }
        return work;
    }

    private int enqueueInjected(PortState p, Injector in, int slot) {
        RingContext r = p.rx(0);
        int len = in.length(slot);
        if (r == null || r.owner != worker || !r.live()) {
            p.counters().rx(0).drop(DropReason.RX_NOT_READY);
            return Delivery.DROPPED;
        }
        if (len > Injector.SLOT_BYTES) {
            r.counters.drop(DropReason.RX_TOO_BIG);
            return Delivery.DROPPED;
        }
        in.frame(slot, len, injectFrame);
        return delivery.enqueueFromInjector(r, in, slot, injectFrame, len);
    }

    /** An injected frame's DMA record completed (called by {@link AsyncRx}). */
    void injectFinished(Injector in, int slot, boolean ok) {
        in.finish(slot, ok);
        injectDirty = true;
    }

    /** After the used rings were published: lets the producers see which injected frames are final. */
    void publishInjected() {
        injectDirty = false;
        for (PortState p : plane.ports()) {
            if (p.injector() != null) {
                p.injector().publishDone();
            }
        }
    }

    boolean injectPending() {
        if (id != 0) {
            return false;
        }
        for (PortState p : plane.ports()) {
            Injector in = p.injector();
            if (in != null && in.pending()) {
                return true;
            }
        }
        return false;
    }
}
