package io.vhostdma.backend.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A worker's own activity counters (single writer: the worker; opaque reads elsewhere). */
public final class WorkerStats {
    private static final VarHandle BUSY;
    private static final VarHandle PACKETS;
    private static final VarHandle SLEEPS;
    private static final VarHandle IDLE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUSY = l.findVarHandle(WorkerStats.class, "busyCycles", long.class);
            PACKETS = l.findVarHandle(WorkerStats.class, "packets", long.class);
            SLEEPS = l.findVarHandle(WorkerStats.class, "sleeps", long.class);
            IDLE = l.findVarHandle(WorkerStats.class, "idleCycles", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long busyCycles;
    private long packets;
    private long sleeps;
    private long idleCycles;

    void busy(int work) {
        BUSY.setOpaque(this, busyCycles + 1);
        PACKETS.setOpaque(this, packets + work);
    }

    void idle() {
        IDLE.setOpaque(this, idleCycles + 1);
    }

    /** Duty cycles that found nothing to do (spinning before a sleep). */
    public long idleCycles() {
        return (long) IDLE.getOpaque(this);
    }

    void slept() {
        SLEEPS.setOpaque(this, sleeps + 1);
    }

    /** Duty cycles that moved at least one packet. */
    public long busyCycles() {
        return (long) BUSY.getOpaque(this);
    }

    /** Packets (frames handled on TX plus hand-offs) moved by this worker. */
    public long packets() {
        return (long) PACKETS.getOpaque(this);
    }

    /** Times the worker went to sleep in epoll. */
    public long sleeps() {
        return (long) SLEEPS.getOpaque(this);
    }
}
