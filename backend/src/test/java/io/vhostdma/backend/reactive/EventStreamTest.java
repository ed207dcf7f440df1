package io.vhostdma.backend.reactive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** An events subscriber's buffer is bounded; what it could not hold is reported, in order, as EventsLost. */
class EventStreamTest {
    @Test
    void shouldReportEventsLostInOrderWhenSubscriberFallsBehind() {
        Vertx vertx = Vertx.vertx();
        try {
            Context ctx = vertx.getOrCreateContext();
            EventHub hub = new EventHub();
            AtomicReference<String> thread = new AtomicReference<>();
            AssertSubscriber<BackendEvent> sub = PolledMulti.<BackendEvent>create(ctx, () -> new EventSource(hub, 4),
                    f -> { }).invoke(e -> thread.set(Thread.currentThread().getName()))
                    .subscribe().withSubscriber(AssertSubscriber.create(0));
            for (int i = 0; i < 10; i++) {
                String port = "p" + i;
                hub.publish((seq, t) -> new BackendEvent.PortConnected(seq, t, port));
            }
            sub.request(100);
            sub.awaitItems(5, Duration.ofSeconds(5));
            List<BackendEvent> got = sub.getItems();
            for (int i = 0; i < 4; i++) {
                assertEquals(i + 1, got.get(i).sequence(), "event " + i);
            }
            BackendEvent.EventsLost lost = assertInstanceOf(BackendEvent.EventsLost.class, got.get(4));
            assertEquals(6, lost.count(), "events lost");
            assertEquals(10, lost.sequence(), "last lost sequence");
            hub.publish((seq, t) -> new BackendEvent.PortRemoved(seq, t, "p0"));
            sub.awaitItems(6, Duration.ofSeconds(5));
            assertEquals(11, sub.getItems().get(5).sequence(), "event after catching up");
            assertTrue(thread.get().startsWith("vert.x-eventloop"), "delivered on " + thread.get());
            sub.cancel();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
