package io.vhostdma.dma.engine.sw;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.engine.soft.SoftChannel;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.EngineInfo;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The software stand-in for a hardware engine: one daemon thread per device ({@code dma-sw-<device>})
 * consumes every channel's submitted descriptors in order and posts completions.
 *
 * <p>Duty cycle: poll all channels; execute up to {@link #BATCH} submitted ops per channel (translated
 * and checked by the layer before they were handed over), publishing {@code done} per batch. With no work it spins, yielding the CPU each poll
 * (a submitting thread may share the core), for {@link #SPIN_NANOS}
 * (reading the clock once every {@link #CLOCK_EVERY} idle polls, never while busy), then sets
 * {@code parked} and re-checks (a volatile store then loads: the doorbell's fence pairs with it, so a
 * submit racing with parking is seen by one side or the other) and parks. The doorbell unparks
 * only when {@code parked} is set. The park has a {@link #PARK_LIMIT_NANOS} limit as a safety net.
 * With the completion-delay knob, submitted work waits that long after first being seen (parked, not
 * spinning).
 */
final class SwEngine implements DmaEngine, Runnable {
    static final int BATCH = 256;
    static final long SPIN_NANOS = 100_000L;
    /** Idle polls between clock reads (a clock read costs more than a poll on some virtual machines). */
    static final int CLOCK_EVERY = 64;
    static final long PARK_LIMIT_NANOS = 50_000_000L;
    private static final long STOP_TIMEOUT_NANOS = 5_000_000_000L;

    private final String deviceName;
    private final EngineOptions options;
    private final long delayNanos;
    private final Runnable doorbell = this::doorbell;
    private volatile boolean running;
    private volatile boolean parked; // written by the engine thread; read by doorbells
    private volatile Thread thread;
    private SoftChannel[] channels = new SoftChannel[0]; // set up by the control thread while stopped
    private long[] next = new long[0];   // engine-local: next seq to execute per channel
    private long[] seenAt = new long[0]; // engine-local: when pending work was first seen (delay knob)
    private long parks; // engine-local count of parks (diagnostics)

    SwEngine(String deviceName, EngineOptions options) {
        this.deviceName = deviceName;
        this.options = options;
        this.delayNanos = options.completionDelayNanos();
    }

    @Override
    public EngineInfo info() {
        long capa = DmaCapability.MEM_TO_MEM | DmaCapability.HANDLES_ERRORS | DmaCapability.INTER_DOMAIN
            | DmaCapability.ASYNC | DmaCapability.OPS_COPY | DmaCapability.OPS_COPY_SG | DmaCapability.OPS_FILL;
        return new EngineInfo(capa, options.maxChannels(), EngineOptions.MIN_RING_SIZE, options.maxRingSize(),
            DmaDevice.MAX_SGES);
    }

    @Override
    public synchronized void configure(int count) {
        channels = new SoftChannel[count];
    }

    @Override
    public synchronized EngineChannel setupChannel(int vchan, int ringSize) {
        SoftChannel c = new SoftChannel(ringSize, DmaDevice.MAX_SGES, options, false, doorbell);
        channels[vchan] = c;
        return c;
    }

    @Override
    public synchronized void start() {
        next = new long[channels.length];
        seenAt = new long[channels.length];
        for (int i = 0; i < channels.length; i++) {
            next[i] = channels[i].done();
        }
        running = true;
        Thread t = Thread.ofPlatform().daemon().name("dma-sw-" + deviceName).unstarted(this);
        thread = t;
        t.start();
    }

    /** Called after a channel published new submitted ops. */
    private void doorbell() {
        // full fence: the caller's release store of 'submitted' is ordered before this read of 'parked'
        VarHandle.fullFence();
        if (parked) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    @Override
    public synchronized void stop() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        awaitDrained();
        running = false;
        LockSupport.unpark(t);
        try {
            t.join(STOP_TIMEOUT_NANOS / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    public void close() {
        // the thread ended at stop()
    }

    private void awaitDrained() {
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS + delayNanos;
        for (int i = 0; i < channels.length; i++) {
            SoftChannel c = channels[i];
            while (c.done() < c.submitted()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new DmaException.Busy("engine did not drain: device=" + deviceName + " channel=" + i);
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    @Override
    public String describe() {
        return "sw engine thread=" + (thread == null ? "none" : thread.getName()) + " parked=" + parked
            + " parks=" + parks + " delayNanos=" + delayNanos;
    }

    @Override
    public void run() {
        int spins = 0;          // idle polls since the last work
        long idleSince = 0;     // when the idle spell was first timed (valid when spins >= CLOCK_EVERY)
        while (running) {
            long due = Long.MAX_VALUE;
            int work = 0;
            for (int i = 0; i < channels.length; i++) {
                long r = pollChannel(i);
                if (r > 0) {
                    work += (int) r;
                } else if (r < 0) {
                    due = Math.min(due, -r);
                }
            }
            if (work > 0) {
                spins = 0; // busy: no clock read at all
            } else if (due != Long.MAX_VALUE) {
                LockSupport.parkNanos(this, Math.max(1_000L, due - System.nanoTime()));
            } else if (++spins % CLOCK_EVERY != 0) {
                // yield rather than pause: on a small machine the submitting worker may share this
                // core, and the next doorbell comes sooner if it runs (alone on a core: a cheap no-op)
                Thread.yield();
            } else if (spins == CLOCK_EVERY) {
                idleSince = System.nanoTime(); // the spell is timed from here: at most CLOCK_EVERY polls late
            } else if (System.nanoTime() - idleSince >= SPIN_NANOS) {
                park();
                spins = 0;
            }
        }
    }

    /**
     * Executes one batch of a channel.
     *
     * @return ops executed, 0 when none are submitted, or minus the nanoTime when delayed work is due
     */
    private long pollChannel(int i) {
        SoftChannel c = channels[i];
        long submitted = c.submitted(); // acquire: pairs with the user thread's release at submit()
        long from = next[i];
        if (submitted <= from) {
            return 0;
        }
        if (delayNanos > 0) {
            long now = System.nanoTime();
            if (seenAt[i] == 0) {
                seenAt[i] = now;
            }
            long dueAt = seenAt[i] + delayNanos;
            if (now - dueAt < 0) {
                return -dueAt;
            }
            seenAt[i] = 0;
        }
        long to = Math.min(submitted, from + BATCH);
        c.executeRange(from, to);
        next[i] = to;
        return to - from;
    }

    private void park() {
        parked = true; // volatile store, then the re-check loads below (pairs with doorbell's fence)
        if (running && !hasSubmittedWork()) {
            parks++;
            LockSupport.parkNanos(this, PARK_LIMIT_NANOS);
        }
        parked = false;
    }

    private boolean hasSubmittedWork() {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i].submittedVolatile() > next[i]) {
                return true;
            }
        }
        return false;
    }
}
