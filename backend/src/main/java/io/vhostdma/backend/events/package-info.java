/**
 * The backend's events: one sealed family of records ({@link io.vhostdma.backend.events.BackendEvent})
 * and the hub that numbers them and fans them out to the gRPC feed, the reactive API and the log.
 * Contract: events are published by control-plane threads, or by a worker when a control command
 * completes (a ring stopped) — never per packet, so the hot path allocates nothing for them; DMA
 * errors are sampled from counters once a second. Every subscriber sees one total order, and a
 * subscriber that falls behind is told how many it lost.
 */
package io.vhostdma.backend.events;
