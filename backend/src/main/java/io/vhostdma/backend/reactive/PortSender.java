package io.vhostdma.backend.reactive;

import io.smallrye.mutiny.subscription.UniEmitter;
import io.vhostdma.backend.dataplane.Injector;
import io.vhostdma.backend.dataplane.WakeSignal;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The producer side of one port's {@link Injector}, confined to the reactive context: sends queue in
 * order, their frames are copied into free slots as room allows and published to the worker, and each
 * send completes, in order, once every one of its frames has a final fate (copy landed and used ring
 * published, or a counted drop), with the number delivered. Sends waiting for room are bounded by
 * {@link #MAX_QUEUED_FRAMES}; beyond it a send fails at once. Several sends are in flight at once (their
 * frames written as room allows); while waiting for results the sender sleeps until the worker gives slots
 * back and raises the injector's {@link WakeSignal} (no timer).
 */
final class PortSender {
    /** Most frames queued (written or waiting for room) per port. */
    static final int MAX_QUEUED_FRAMES = 4096;

    private final String port;
    private final Injector injector;
    private final Context context;
    private final ArrayDeque<Send> sends = new ArrayDeque<>();
    /** Reused to hand a frame's offload fields to the injector (which copies them). */
    private final OffloadHeader offload = new OffloadHeader();
    private int queuedFrames;
    /** The next position whose result is collected (positions are written in send order). */
    private long collected;
    private boolean scheduled;
    private final WakeSignal signal;
    /** When the re-pumps without progress began (0: progress last time). */
    private long idleSince;
    /** A wake-up from the notifier is queued on the context (coalesces the worker's signals). */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final Handler<Void> wakeTask = v -> {
        wakeQueued.set(false);
        pump();
    };
    private Throwable closedWith;

    /** Whether this sender writes into {@code in} (false once its port was removed and added again). */
    boolean sendsTo(Injector in) {
        return injector == in;
    }

    PortSender(String port, Injector injector, Context context, Notifier notifier) {
        this.port = port;
        this.injector = injector;
        this.context = context;
        this.collected = injector.done();
        this.signal = notifier.signal(() -> {
            if (wakeQueued.compareAndSet(false, true)) {
                context.runOnContext(wakeTask);
            }
        });
        injector.signalWith(signal);
    }

    /** The signal the worker raises for this sender (removed from the notifier when the sender is replaced). */
    WakeSignal signal() {
        return signal;
    }

    /** On the context: queues {@code batch}; {@code em} completes with the frames delivered. */
    void submit(PacketBatch batch, UniEmitter<? super Integer> em) {
        if (closedWith != null) {
            em.fail(closedWith);
            return;
        }
        if (batch.size() == 0) {
            em.complete(0);
            return;
        }
        if (queuedFrames + batch.size() > MAX_QUEUED_FRAMES) {
            em.fail(new IllegalStateException("send queue full: port=" + port + " queued=" + queuedFrames
                    + " frames=" + batch.size() + " max=" + MAX_QUEUED_FRAMES));
            return;
        }
        sends.add(new Send(batch, em));
        queuedFrames += batch.size();
        pump();
    }

    private void pump() {
        pumpRest(pumpCollect());
    }

    /**
     * A pump's first half: completes the sends whose results are in. The halves are package-private so that a
     * stepped test can run the worker between them (where a give-back is taken in by {@link #write()}'s
     * {@code room()}, not by {@link #collect()}).
     *
     * @return whether results were collected
     */
    boolean pumpCollect() {
        scheduled = false;
        return closedWith == null && collect();
    }

    /** A pump's second half: writes waiting frames, then pumps again or sleeps until the worker signals. */
    void pumpRest(boolean tookResults) {
        if (closedWith != null) {
            return;
        }
        boolean progress = tookResults | write();
        if (!sends.isEmpty()) {
            schedule(progress);
        }
    }

    /** Completes the sends whose frames all have a final fate. */
    private boolean collect() {
        long done = injector.done(); // acquire: the results before it are written
        boolean progress = collected < done;
        while (collected < done) {
            finishHeads();
            Send s = sends.peekFirst();
            if (injector.delivered(collected)) {
                s.delivered++;
            }
            s.collected++;
            collected++;
        }
        finishHeads();
        return progress;
    }

    /** Completes (or fails) the sends at the head whose written frames all have a final fate, in order. */
    private void finishHeads() {
        Send s;
        while ((s = sends.peekFirst()) != null && s.collected == s.total) {
            sends.pollFirst();
            queuedFrames -= s.total;
            if (s.failure != null) {
                s.em.fail(s.failure);
            } else {
                s.em.complete(s.delivered);
            }
        }
    }

    /** Copies waiting frames into free slots and publishes them. */
    private boolean write() {
        injector.room(); // takes back the slots the worker gave back
        int wrote = 0;
        for (Send s : sends) {
            while (s.written < s.total && injector.fits(s.batch.length(s.written))) { // a big frame: a big slot
                if (!writeFrame(s)) {
                    break;
                }
                s.written++;
                wrote++;
            }
            if (s.written < s.total) {
                break;
            }
        }
        if (wrote > 0) {
            injector.publish(); // release store of the tail, then wakes the worker if it sleeps
        }
        return wrote > 0;
    }

    /**
     * Copies the send's next frame into a slot (no allocation). A received batch released or invalidated meanwhile
     * fails the send: its frames already written still get their fate, the rest are not sent.
     */
    private boolean writeFrame(Send s) {
        PacketBatch b = s.batch;
        try {
            if (!b.isValid()) {
                b.segment(s.written); // throws the batch's own explanation
            }
            int i = s.written;
            injector.write(b.source(i), b.sourceOffset(i), b.length(i), !b.hasOffload(i) ? null // no allocation
                    : offload.set(b.offloadFlags(i), b.gsoType(i), b.hdrLen(i), b.gsoSize(i), b.csumStart(i),
                            b.csumOffset(i)));
            return true;
        } catch (IllegalStateException e) {
            s.failure = e;
            queuedFrames -= s.total - s.written;
            s.total = s.written;
            return false;
        }
    }

    private void schedule(boolean progress) {
        long now = System.nanoTime();
        if (progress || idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < PolledMulti.SPIN_NANOS) {
            Thread.yield(); // let worker 0 run if it shares this core
            repump();
        } else {
            signal.arm(); // the worker signals once it gave slots back (results, room): no timer
            idleSince = 0;
            // re-check after arming: slots given back meanwhile, and results write()'s room() took in after
            // collect() ran (the worker gave those slots back already and will not signal for them again)
            if (injector.returnsPending() || injector.done() > collected) {
                signal.disarm();
                repump();
            }
        }
    }

    private void repump() {
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(v -> pump());
        }
    }

    /** On the context: fails every queued send (the backend closes); later sends fail too. */
    void failAll(Throwable cause) {
        closedWith = cause;
        Send s;
        while ((s = sends.pollFirst()) != null) {
            s.em.fail(cause);
        }
        queuedFrames = 0;
    }

    private static final class Send {
        final PacketBatch batch;
        final UniEmitter<? super Integer> em;
        /** Frames this send writes (fewer than the batch's once it failed). */
        int total;
        Throwable failure;
        int written;
        int collected;
        int delivered;

        Send(PacketBatch batch, UniEmitter<? super Integer> em) {
            this.batch = batch;
            this.em = em;
            this.total = batch.size();
        }
    }
}
