package io.vhostdma.dma.core;

import io.vhostdma.dma.access.AccessTable;
import io.vhostdma.dma.memory.MemoryTable;
import java.util.List;

/**
 * The tables one device's engine reads per operation: its IOVA translation table and its access table,
 * each an immutable snapshot replaced whole by the control plane (volatile store), plus the channels'
 * rings and gates the control plane needs for busy scans and quiescence.
 */
public final class DeviceTables {
    /** How long the control plane waits for an executing batch to end. */
    public static final long QUIESCE_TIMEOUT_NANOS = 5_000_000_000L;

    private volatile MemoryTable memory = MemoryTable.EMPTY;
    private volatile AccessTable access = AccessTable.EMPTY;
    private volatile List<DescriptorRing> rings = List.of();
    private volatile List<ExecutionGate> gates = List.of();
    private final String deviceName;

    /** @param deviceName for messages */
    public DeviceTables(String deviceName) {
        this.deviceName = deviceName;
    }

    /** @return the current translation table (volatile read; executing thread, per op) */
    public MemoryTable memory() {
        return memory;
    }

    /** @return the current access table (volatile read; executing thread, per guest-to-guest op) */
    public AccessTable access() {
        return access;
    }

    /**
     * Publishes a new translation table and waits until no batch that may have read the old one runs.
     *
     * @param table the new table
     */
    public void publishMemory(MemoryTable table) {
        memory = table;
        quiesce("publishMemory");
    }

    /**
     * Publishes a new access table and waits until no batch that may have read the old one runs.
     *
     * @param table the new table
     */
    public void publishAccess(AccessTable table) {
        access = table;
        quiesce("publishAccess");
    }

    /**
     * Installs the channels of a (re)configured device.
     *
     * @param newRings their rings
     * @param newGates their gates
     */
    public void setChannels(List<DescriptorRing> newRings, List<ExecutionGate> newGates) {
        rings = List.copyOf(newRings);
        gates = List.copyOf(newGates);
    }

    /**
     * @param start  first IOVA of a range
     * @param length its length
     * @return whether an unfinished op on any channel touches the range
     */
    public boolean inFlightTouches(long start, long length) {
        for (DescriptorRing r : rings) {
            if (r.inFlightTouches(start, length)) {
                return true;
            }
        }
        return false;
    }

    private void quiesce(String what) {
        for (ExecutionGate g : gates) {
            g.awaitQuiescent(QUIESCE_TIMEOUT_NANOS, "device=" + deviceName + " op=" + what);
        }
    }
}
