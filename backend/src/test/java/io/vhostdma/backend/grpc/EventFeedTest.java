package io.vhostdma.backend.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.streams.WriteStream;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import io.vhostdma.backend.grpc.proto.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-stream hand-over: bounded, ordered, counts what it loses, and unsubscribes on close. */
class EventFeedTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void shouldSendOneEventsLostWithCountWhenStreamFallsBehind() throws Exception {
        EventHub hub = new EventHub();
        Stream out = new Stream();
        out.full = true;
        Context ctx = vertx.getOrCreateContext();
        EventFeed feed = new EventFeed(ctx, out, 10, () -> { });
        feed.subscription(hub.subscribe(feed));
        for (int i = 0; i < 100; i++) {
            hub.publish((s, t) -> new BackendEvent.PortConnected(s, t, "vm1"));
        }
        onContext(ctx, () -> { });
        assertEquals(0, out.written().size(), "nothing written while the stream is full");
        out.full = false;
        onContext(ctx, () -> out.drain.handle(null));
        await(() -> out.written().size() == 11, "10 events and one events_lost");
        List<Event> w = out.written();
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 1, w.get(i).getSequence(), "queued events in order");
        }
        assertEquals(Event.KindCase.EVENTS_LOST, w.get(10).getKindCase());
        assertEquals(90, w.get(10).getEventsLost().getCount());
        assertEquals(100, w.get(10).getSequence(), "last lost sequence");
        hub.publish((s, t) -> new BackendEvent.PortRemoved(s, t, "vm1"));
        await(() -> out.written().size() == 12, "the next event after the loss");
        assertEquals(101, out.written().get(11).getSequence());
    }

    @Test
    void shouldStopReceivingAndRunCloseActionWhenClosed() throws Exception {
        EventHub hub = new EventHub();
        Stream out = new Stream();
        AtomicInteger closed = new AtomicInteger();
        Context ctx = vertx.getOrCreateContext();
        EventFeed feed = new EventFeed(ctx, out, 10, closed::incrementAndGet);
        feed.subscription(hub.subscribe(feed));
        hub.publish((s, t) -> new BackendEvent.PortConnected(s, t, "vm1"));
        await(() -> out.written().size() == 1, "first event");
        feed.close();
        feed.close();
        assertEquals(1, closed.get(), "close action runs once");
        hub.publish((s, t) -> new BackendEvent.PortConnected(s, t, "vm1"));
        onContext(ctx, () -> { });
        assertEquals(1, out.written().size(), "nothing after close");
        assertTrue(feed.isClosed());
    }

    private static void onContext(Context ctx, Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        ctx.runOnContext(v -> {
            r.run();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS), "context ran");
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(2);
        }
    }

    /** A stream whose fullness the test sets. */
    private static final class Stream implements WriteStream<Event> {
        private final List<Event> written = new ArrayList<>();
        volatile boolean full;
        volatile Handler<Void> drain;

        synchronized List<Event> written() {
            return new ArrayList<>(written);
        }

        @Override
        public WriteStream<Event> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public synchronized Future<Void> write(Event data) {
            written.add(data);
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Event> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return full;
        }

        @Override
        public WriteStream<Event> drainHandler(Handler<Void> handler) {
            drain = handler;
            return this;
        }
    }
}
