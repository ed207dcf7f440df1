package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

/**
 * The device side of one virtqueue, whatever its layout: what the data path's stages call. {@link SplitVirtqueue}
 * implements it for the split layout; a packed layout (virtio 1.2 §2.8) implements the same calls:
 * <ul>
 *   <li>Chains are taken in avail order ({@link #pop}, {@link #popMore} for the further chains of one mergeable
 *       RX frame) and identified by the id the driver gave them (split: the head index; packed: the buffer id).
 *       A taking can be undone to a mark ({@link #availMark}, {@link #rewindTo}): split marks are
 *       last_avail_idx, packed marks the avail position with its wrap counter, so no caller computes a position.</li>
 *   <li>Used elements are added in completion order ({@link #addUsed}) and published together
 *       ({@link #publishUsed}): split writes used.ring[] then one release store of used.idx; packed writes each
 *       descriptor's id and len in order and its flags last, the first one's with release (in-order used
 *       writes). A packed ring remembers each id's descriptor count from its pop, so callers pass only
 *       (id, len).</li>
 *   <li>Notification suppression is the ring's: {@link #needsNotification} (split: EVENT_IDX used_event or
 *       NO_INTERRUPT; packed: the driver event suppression area with its wrap counter) and
 *       {@link #enableNotifications} / {@link #disableNotifications} (split: avail_event or NO_NOTIFY; packed: the
 *       device event suppression area).</li>
 *   <li>One broken state: the first guest error (or a fault contained to the ring, {@link PathStatus#ERR_FAULT})
 *       marks it broken ({@link #markBroken}), and every later call returns that code without touching guest
 *       memory until it is configured again.</li>
 *   <li>Dirty logging hooks in at {@link #addUsed} and {@link #publishUsed} ({@link WriteLog}).</li>
 * </ul>
 * Owned by one thread, the worker that owns the ring; errors are {@link PathStatus} codes, never exceptions.
 */
public interface Virtqueue {
    /** The vring index. */
    int index();

    /** Ring size (0 before configuration). */
    int size();

    /**
     * Sets the ring size and the front end's user addresses of the descriptor area, the driver area and the
     * device area (SET_VRING_NUM and SET_VRING_ADDR); starts the ring afresh (not broken).
     */
    void configure(int size, long descUva, long driverUva, long deviceUva);

    /** Negotiated ring features: VIRTIO_RING_F_EVENT_IDX and VIRTIO_RING_F_INDIRECT_DESC. */
    void setFeatures(boolean eventIdx, boolean indirect);

    /** Sets the avail position (SET_VRING_BASE). */
    void setLastAvailIndex(int idx);

    /**
     * Translates the ring's areas through {@code mem} (control plane; allocates).
     *
     * @return {@link PathStatus#OK}, {@link PathStatus#ERR_RING_SIZE} or {@link PathStatus#ERR_RING_ADDRESS}
     */
    int attach(GuestMemory mem, boolean resetIfMismatch);

    /** Forgets the mapping of the areas (before a memory table is unmapped); positions are kept. */
    void detach();

    /** Whether the ring is attached. */
    boolean attached();

    /** Chains the driver made available and we did not take: 0..size, or a negative {@link PathStatus}. */
    int pending();

    /** Takes the next chain into {@code out} (starting a frame); returns its id (≥ 0) or a {@link PathStatus}. */
    int pop(GuestMemory mem, DescriptorChain out);

    /**
     * Reads ahead, without taking anything, what the next {@code max} pending chains (as counted by the last
     * {@link #pending()}; a packed ring checks each descriptor's availability again) will need — their ring entries,
     * head descriptors and first buffer bytes — so that the cache misses of a burst overlap instead of following one
     * another (Java has no prefetch instruction). With {@code forWrite}, the first byte of each device-writable head
     * buffer and the used slots the chains will take are written back with the value read, so the lines arrive
     * owned before the real writes (a prefetch for write: the memory's content does not change). Changes no ring
     * state. Allocation-free.
     */
    default void touchAhead(GuestMemory mem, int max, boolean forWrite) {
    }

    /** Takes a further chain of the frame the last {@link #pop} started (mergeable RX); same results. */
    int popMore(GuestMemory mem, DescriptorChain out);

    /** Consumes the chain a {@link #pop} refused with {@link PathStatus#FRAME_OVER_BUDGET}; returns its id. */
    int skipHead(DescriptorChain chain);

    /** The current avail position, for {@link #rewindTo}. */
    int availMark();

    /** Gives back every chain taken since {@code mark} (they are taken again later). */
    void rewindTo(int mark);

    /** Starts a duty cycle: the ring's descriptor budget is full again. */
    void refillBudget();

    /** Whether a descriptor budget tripped in this duty cycle. */
    boolean overBudget();

    /**
     * VIRTIO_F_IN_ORDER batching (virtio 1.2 §2.7.9, §2.8.20), for a ring whose used elements all have len 0 (guest
     * TX): the elements added between two publishes become one used element naming the batch's last id, at the
     * batch's first position, and the used index moves by the whole batch. Only for a ring whose chains are
     * returned in the order they were taken (every data path here returns them so).
     */
    default void batchInOrder(boolean on) {
    }

    /** Adds the used element {@code (id, len)} (published by {@link #publishUsed}). */
    void addUsed(int id, int len);

    /** Publishes every used element added so far (one release store). */
    void publishUsed();

    /** After {@link #publishUsed}: whether the driver wants an interrupt for what was published since last asked. */
    boolean needsNotification();

    /** Asks the driver to kick again; ends with a full fence — the caller must check {@link #pending} again. */
    void enableNotifications();

    /** Asks the driver not to kick (busy polling). */
    void disableNotifications();

    /** Marks the ring broken with {@code code} (a guest error or {@link PathStatus#ERR_FAULT}); the first one stays. */
    void markBroken(int code);

    /** Whether the ring is broken. */
    boolean broken();

    /** The code that broke the ring, or {@link PathStatus#OK}. */
    int lastError();

    /** The avail position GET_VRING_BASE reports. */
    int lastAvailIndex();

    /** The dirty-log hook of this ring ({@link WriteLog#NONE} until migration logs). */
    void writeLog(WriteLog log);
}
