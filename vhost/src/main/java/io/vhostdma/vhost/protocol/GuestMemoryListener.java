package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.memory.GuestMemory;
import java.util.concurrent.CompletableFuture;

/**
 * Who registers a device's guest memory with something outside the data plane (a DMA layer: the back end's DMA
 * side), told by the {@link VhostUserSession} when the memory table goes away or changes: SET_MEM_TABLE,
 * ADD_MEM_REG / REM_MEM_REG (each a whole-table change), disconnect. Apart from the {@link DataPlane}, which only
 * attaches and detaches rings.
 *
 * <p>Call order per change, on the connection's event loop (the futures may complete on any thread; the session
 * re-enters its loop before acting on them): {@link #memoryRetiring} (if a table is mapped) → every started ring
 * detached ({@link DataPlane#detach}) → the device's table replaced → {@link #memoryChanged} → the ready rings
 * attached again (only after its future completed) → {@link DataPlane#quiesce} → the old table unmapped. So no ring
 * runs on a table that is not registered, and the old table is unmapped only after every copy into or out of it
 * stopped. Methods must not block the loop.
 */
public interface GuestMemoryListener {
    /** Nobody registers guest memory (no DMA layer): both calls complete at once. */
    GuestMemoryListener NONE = new GuestMemoryListener() {
    };

    /**
     * The device's guest memory is about to go away (memory-table change or disconnect): stop every DMA copy into
     * or out of it (copies not started yet fail; running ones are waited for). Called before the rings are
     * detached; a failure is ignored (the change goes on).
     */
    default CompletableFuture<Void> memoryRetiring(VhostDevice device) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The device's memory table is now {@code next} (was {@code old}); every ring is detached and no copy touches
     * {@code old}. Completes once {@code next} is usable (e.g. registered with the DMA layer); rings start after
     * that, {@code old} is unmapped after a quiesce. A failure fails the memory-table change (ignored at disconnect).
     */
    default CompletableFuture<Void> memoryChanged(VhostDevice device, GuestMemory old, GuestMemory next) {
        return CompletableFuture.completedFuture(null);
    }
}
