/**
 * Dirty-page logging for live migration (VHOST_F_LOG_ALL with VHOST_USER_PROTOCOL_F_LOG_SHMFD): the front end's log
 * bitmap and what reports into it.
 *
 * <pre>
 *  front end (QEMU)                          vhostd
 *  SET_LOG_BASE {size, offset} + memfd  ──►  LogBitmap.map (checked, mapped once; the old one unmapped after a
 *                                            data-plane quiesce)
 *  SET_FEATURES | LOG_ALL               ──►  DirtyLog.logAll(true); reply after a quiesce (every later write is logged)
 *  SET_VRING_ADDR flags=LOG, log addr   ──►  DirtyLog.usedLog(ring, gpa)
 *                                            owner worker, per ring (RingLog, a WriteLog):
 *                                              addUsed(id, len)   → the chain's written GPA ranges → cache
 *                                              publishUsed()      → used elements + used.idx → cache,
 *                                                                   flush: one getAndBitwiseOrRelease per word,
 *                                                                   then the release store of used.idx
 *  reads and clears words concurrently  ◄──  (bit = 4 KiB page of guest-physical memory; byte = page / 8)
 * </pre>
 *
 * <p>What is logged: every byte the device writes into guest memory — RX frame bytes and virtio-net headers by the
 * GPAs of the chain's writable descriptors, up to the used length (so a DMA copy is logged when its record
 * completes, by the owner, before the used index that publishes it), used elements, used.idx, used.flags and
 * avail_event at {@code log_guest_addr + offset} while the ring's LOG flag is set. A packed ring reports the
 * writable ranges it recorded when it popped the chain, and its used descriptors and device event area at their
 * guest-physical addresses (QEMU's {@code log_guest_addr} is the device area there, not the descriptor ring).
 *
 * <p>Ordering: the data write happens before the bit is set (CPU copies: program order; DMA copies: the owner's
 * acquire of the completion), the bit-or is a release, so a front end that sees the bit (it exchanges words
 * atomically) sees the data; the bits are set before the release store of used.idx, so the driver never sees an
 * entry whose pages are not marked yet.
 */
package io.vhostdma.vhost.dirtylog;
