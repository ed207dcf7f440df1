package io.vhostdma.backend.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.util.function.Supplier;

/**
 * Hand-written Vert.x ↔ Mutiny bridges (the mutiny-vertx bindings are not used). Every bridge is lazy:
 * nothing starts before a subscription.
 */
public final class Bridges {
    private Bridges() {
    }

    /** A Uni that calls {@code future} on subscription and completes (or fails) with it. */
    public static <T> Uni<T> toUni(Supplier<Future<T>> future) {
        return Uni.createFrom().emitter(em -> future.get().onComplete(em::complete, em::fail));
    }

    /** A Future completed (or failed) by subscribing to {@code uni}. */
    public static <T> Future<T> toFuture(Uni<T> uni) {
        Promise<T> p = Promise.promise();
        uni.subscribe().with(p::complete, p::fail);
        return p.future();
    }

    /**
     * A Multi of a Vert.x read stream with real back-pressure: the stream is paused at subscription and
     * fetches exactly what the subscriber requests; demand requested before the request callback was
     * registered is caught up. Cancellation pauses the stream and removes its handlers; {@code onCancel}
     * then runs (may be null).
     */
    public static <T> Multi<T> toMulti(Supplier<? extends ReadStream<T>> stream, Runnable onCancel) {
        return Multi.createFrom().emitter(em -> {
            ReadStream<T> rs = stream.get();
            rs.pause();
            rs.handler(em::emit);
            rs.endHandler(v -> em.complete());
            rs.exceptionHandler(em::fail);
            em.onRequest(rs::fetch);
            em.onCancellation(() -> {
                rs.pause();
                rs.handler(null);
                if (onCancel != null) {
                    onCancel.run();
                }
            });
            long already = em.requested(); // demand requested before onRequest was registered is not replayed
            if (already > 0) {
                rs.fetch(already);
            }
        }, BackPressureStrategy.ERROR);
    }
}
