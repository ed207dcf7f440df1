package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;

/** Decides where a frame taken from a guest's TX ring goes; called on the owning worker. */
interface Forwarder {
    /** Forwards {@code frame} ({@code len} bytes, still in the source guest's memory). */
    void forward(Worker worker, RingContext source, GatherList frame, int len);
}
