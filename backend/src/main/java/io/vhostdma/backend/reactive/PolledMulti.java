package io.vhostdma.backend.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Multi driven from a source polled on one Vert.x context, with real back-pressure: the emitter's
 * outstanding demand ({@code em.requested()}, read on the context after every emission) is the only
 * demand counter, so a request arriving from any thread at any time is neither lost nor counted twice
 * (the {@code em.requested()} catch-up pitfall cannot occur). While demand exists and the source is
 * empty the context re-polls for {@link #SPIN_NANOS} (yielding between polls), then the source sleeps ({@link Source#sleep}): it wakes the Multi
 * when an item is published (no timer). Without demand nothing runs. Items are emitted on the context's
 * thread, never elsewhere.
 */
final class PolledMulti<T> {
    /**
     * How long the context keeps re-polling (through its task queue, yielding the CPU between polls: a worker may
     * share its core) after the last item before the source sleeps.
     */
    static final long SPIN_NANOS = Long.getLong("vhostd.reactiveSpinMicros", 200L) * 1000L;

    /** What a polled Multi reads; every method but {@link #start} runs on the context. */
    interface Source<T> {
        /** Called once, on the subscribing thread; {@code wake} asks for a poll soon (any thread). */
        void start(Runnable wake);

        /** The next item, or null when none is ready (called only while demand exists). */
        T poll();

        /**
         * Arms the source's wake-up (the {@code wake} given to {@link #start}) for the next published item.
         *
         * @return true when the Multi may sleep; false when an item arrived while arming (poll again)
         */
        boolean sleep();

        /** Whether the source ended: the Multi completes (items still ready are not emitted). */
        boolean ended();

        /** Releases the source once the Multi terminated (completion, failure or cancellation). */
        CompletableFuture<Void> close();
    }

    private final Context context;
    private final Source<T> source;
    private final MultiEmitter<? super T> emitter;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private boolean done;
    /** When the re-polls without an item began (0: an item came last time). */
    private long idleSince;

    private PolledMulti(Context context, Source<T> source, MultiEmitter<? super T> emitter) {
        this.context = context;
        this.source = source;
        this.emitter = emitter;
    }

    /**
     * A Multi that opens its source on subscription ({@code open} may throw: the Multi fails with it)
     * and reports each subscription's close future to {@code onClose} (to let an owner wait for it).
     */
    static <T> Multi<T> create(Context context, Supplier<Source<T>> open,
                               Consumer<CompletableFuture<Void>> onClose) {
        return Multi.createFrom().emitter(em -> {
            Source<T> src = open.get();
            PolledMulti<T> d = new PolledMulti<>(context, src, em);
            onClose.accept(d.closed);
            src.start(d::wake);
            em.onRequest(n -> d.wake());
            em.onTermination(() -> context.runOnContext(v -> d.terminate()));
            d.wake();
        }, BackPressureStrategy.ERROR);
    }

    private void wake() {
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> run());
        }
    }

    private void run() {
        scheduled.set(false);
        if (done) {
            return;
        }
        boolean emitted = false;
        T item;
        while (emitter.requested() > 0 && !done && (item = source.poll()) != null) {
            emitter.emit(item);
            emitted = true;
        }
        if (done) {
            return;
        }
        if (source.ended()) {
            emitter.complete();
            return;
        }
        if (emitter.requested() > 0) {
            repoll(emitted);
        }
    }

    private void repoll(boolean progress) {
        long now = System.nanoTime();
        if (progress || idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < SPIN_NANOS) {
            Thread.yield(); // let a worker sharing this core publish (returns at once when nothing else runs)
            wake();
        } else if (!source.sleep()) {
            idleSince = 0;
            wake(); // an item arrived while the source armed its wake-up
        } else {
            idleSince = 0; // asleep: the source's wake-up polls again once an item is published
        }
    }

    /** On the context, once: the Multi terminated. */
    private void terminate() {
        if (done) {
            return;
        }
        done = true;
        source.close().whenComplete((v, e) -> closed.complete(null));
    }
}
