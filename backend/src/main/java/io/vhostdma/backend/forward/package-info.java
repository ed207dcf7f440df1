/**
 * Forwarding decisions: the L2 learning switch's MAC table and the per-packet verdict.
 *
 * <p>Contract: decisions are made from a local copy of the Ethernet header (read once from guest
 * memory by the worker), never by re-reading guest memory. The MAC table is lock-free and
 * allocation-free: several workers may learn and look up concurrently; a lookup may miss a
 * just-learned entry (the packet is then flooded, which is correct switch behaviour). Each port
 * learns at most its {@code mac-limit} of MACs, entries age out after {@code mac-aging-time}, and
 * learning never overwrites another port's live entry, so a port flooding from random source MACs
 * cannot evict anyone or grow memory.
 */
package io.vhostdma.backend.forward;
