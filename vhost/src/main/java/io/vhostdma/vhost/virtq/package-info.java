/**
 * Virtqueues, device side, behind {@link io.vhostdma.vhost.virtq.Virtqueue}: split ({@code SplitVirtqueue}, below)
 * and packed ({@code PackedVirtqueue}, virtio 1.2 §2.8: one descriptor ring with avail/used wrap counters, the
 * buffer id in a chain's last descriptor, event suppression areas; the same hostile-guest checks and budgets).
 *
 * <p>Split virtqueues, device side: we are the back end, the guest driver writes the descriptor table and the avail
 * ring, we write the used ring.
 *
 * <pre>
 *  driver                                   device (SplitVirtqueue, one owner thread)
 *  desc[i] = {addr,len,flags,next}
 *  avail.ring[avail.idx % num] = head
 *  wmb; avail.idx++          ── kick ──►    pending(): acquire avail.idx
 *                                           pop(): read ring entry and descriptors ONCE, validate, split at
 *                                                  region boundaries into a DescriptorChain
 *                                           ... copy packet bytes ...
 *                                           addUsed(head, len)   (plain stores of used.ring[])
 *                                           publishUsed()        (release store of used.idx)
 *  ◄── interrupt (call fd) ──               needsNotification(): full fence, then used_event / avail.flags
 * </pre>
 *
 * <p>Lifecycle: {@code configure} (SET_VRING_NUM/ADDR) → {@code setFeatures} → {@code setLastAvailIndex}
 * (SET_VRING_BASE) → {@code attach(mem)} (on kick/enable; again after each memory-table swap) → data path →
 * {@code detach()} before the old table is unmapped.
 *
 * <p>16-bit index rules ({@link io.vhostdma.vhost.virtq.VirtqIndex}): indexes run free and wrap at 65536; slot =
 * idx &amp; (num-1); new entries = (u16)(avail.idx - last_avail_idx), never more than num.
 *
 * <p>Hostile guest: every check of fact sheet §13 is made in {@code pop}; the first failure marks the ring broken
 * ({@code broken()}, {@code lastError()}), after which pop and pending return the error without touching guest
 * memory. The data path never throws for guest behaviour; it returns {@link io.vhostdma.vhost.virtq.PathStatus}
 * codes.
 *
 * <p>Work budget: however a guest builds its chains, a frame walks at most 4 × its data-carrying descriptors + 64
 * ({@code pop} starts a frame, {@code popMore} continues it for mergeable RX) and a ring at most
 * {@code CYCLE_DESCRIPTORS} per duty cycle of its owner ({@code refillBudget} starts one). Over budget is not a
 * guest error: pop takes nothing and returns {@code OVER_BUDGET} / {@code FRAME_OVER_BUDGET} until the next
 * cycle, and {@code skipHead} lets the caller consume (and drop) a chain over its frame's budget.
 *
 * <p>Read-ahead: {@code touchAhead} reads what {@code pending} counted — split: avail entries, head descriptors,
 * first buffer bytes; packed ({@code PackedReadAhead}): the available descriptors, each one's flags checked again
 * against the wrap counter, and the first byte of each head's buffer — and writes back unchanged the first byte of
 * device-writable direct head buffers and the place each chain's used entry will take (split: the used element
 * ahead of {@code used.idx}; packed: the {@code len} of the head's own slot, never its flags), so a burst's
 * cross-core misses overlap; it changes no ring state, no memory content, and refuses nothing ({@code pop} does).
 *
 * <p>Parts: {@code SplitChainWalker} walks a split ring's chains (and counts the budgets), {@code IndirectTable}
 * reads indirect tables for both layouts, {@code RingPart} translates ring parts; dirty logging reports through
 * {@link io.vhostdma.vhost.virtq.WriteLog} ({@code PackedWriteLog} records a packed chain's ranges at pop).
 */
package io.vhostdma.vhost.virtq;
