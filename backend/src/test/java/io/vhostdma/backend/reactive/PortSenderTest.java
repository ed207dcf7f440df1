package io.vhostdma.backend.reactive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vhostdma.backend.dataplane.Injector;
import io.vhostdma.backend.dataplane.SteppedPlane;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reactive sender against a stepped data plane: the test runs each duty cycle of the worker and each pump the
 * sender queues on its context, so an interleaving of the two is driven, not hoped for.
 */
class PortSenderTest {
    @TempDir
    Path dir;

    /**
     * The lost wake-up fixed in 1d410e6: the worker gives a send's last slot back after the pump's collect() ran and
     * before write()'s room() takes it in; the sender, out of its spin phase, arms and re-checks. The worker signalled
     * while the sender was not armed and will not signal again, so the re-check must find the result taken in.
     */
    @Test
    void shouldPumpAgainWhenTheWorkerGaveTheLastSlotBackBetweenCollectAndWrite() throws Exception {
        try (SteppedPlane p = new SteppedPlane(dir, "workers: 1\n", "b:1"); Notifier notifier = new Notifier()) {
            VhostUserFrontend b = p.connect("b");
            Injector in = p.plane.port("b").injector();
            Queue<Handler<Void>> pumps = new ArrayDeque<>();
            PortSender sender = new PortSender("b", in, context(pumps), notifier);
            byte[] f = frame(60);
            CompletableFuture<Integer> sent = Uni.createFrom()
                    .<Integer>emitter(em -> sender.submit(PacketBatch.of(f), em)).subscribeAsCompletionStage();
            assertEquals(1, pumps.size(), "the frame was written and published; the sender spins: one pump queued");
            pumps.clear(); // the test runs that pump itself, in its two halves
            Thread.sleep(PolledMulti.SPIN_NANOS / 1_000_000 + 5); // past the spin phase: this pump ends by arming

            assertFalse(sender.pumpCollect(), "no result yet: the worker has not run");
            assertEquals(1, p.step(), "one duty cycle takes the frame");
            assertTrue(in.returnsPending(), "and gives its slot back (its signal found the sender not armed)");
            sender.pumpRest(false); // write()'s room() takes the result in; then the sender arms and re-checks

            assertEquals(1, pumps.size(), "the re-check saw the result not collected yet and pumped again; asleep, "
                    + "the send would wait for a signal the worker never sends");
            pumps.poll().handle(null);
            assertEquals(1, sent.getNow(-1), "the send completed with its one frame delivered");
            assertTrue(pumps.isEmpty(), "nothing left to send: no pump queued");
            assertArrayEquals(f, b.receive(0), "bytes intact in the guest's RX ring");
            assertNull(b.receive(0));
            assertEquals(1, p.plane.port("b").counters().rx(0).packets());
            assertEquals(0, p.step(), "the worker is idle");
        }
    }

    private static byte[] frame(int len) {
        byte[] f = new byte[len];
        for (int i = 0; i < len; i++) {
            f[i] = (byte) (i < 6 ? 0xff : i * 7 + 1); // broadcast, then a pattern
        }
        return f;
    }

    /** A context that only queues what runs on it (the test runs each task); nothing else is used by the sender. */
    @SuppressWarnings("unchecked")
    private static Context context(Queue<Handler<Void>> tasks) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "runOnContext" -> {
                        tasks.add((Handler<Void>) args[0]);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "queued-context";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
