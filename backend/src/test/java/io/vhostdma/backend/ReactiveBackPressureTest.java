package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber that holds its batch: the tap's fixed ring fills, further frames are counted
 * {@code receiver_full}, the held bytes never change; requesting again releases the batch (its segments
 * become inaccessible) and traffic resumes.
 */
class ReactiveBackPressureTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int BURST = 2000;
    @TempDir
    Path dir;

    @Test
    void shouldCountReceiverFullAndKeepHeldBatchWhenSubscriberStopsRequesting() {
        try (ReactiveFixture f = new ReactiveFixture(dir,
                DaemonFixture.builder(dir).port("a", 1).port("b", 1).config())) {
            VhostUserFrontend a = f.connect("a");
            f.connect("b");
            AssertSubscriber<PacketBatch> sub = f.backend.receive("a").subscribe()
                    .withSubscriber(AssertSubscriber.create(1));
            ReactiveFixture.send(a, frame(0));
            ReactiveFixture.awaitUntil(() -> sub.getItems().size() == 1, "first batch");
            PacketBatch held = sub.getItems().get(0);
            assertEquals(1, held.size(), "frames in the first batch");
            MemorySegment heldSegment = held.segment(0);
            byte[] heldCopy = held.toArray(0);
            assertArrayEquals(frame(0), heldCopy, "first frame");

            for (int i = 1; i <= BURST; i++) {
                ReactiveFixture.send(a, frame(i));
            }
            QueueCounters tx = f.counters("a").tx(0);
            ReactiveFixture.awaitUntil(() -> tx.packets() + tx.drops() == BURST + 1, "every frame taken from a");
            // the held batch pins its slot: the other slots of the fixed ring took the next frames
            long accepted = VhostBackend.RECEIVE_SLOTS - 1;
            assertEquals(BURST - accepted, tx.drops(DropReason.RECEIVER_FULL), "receiver_full drops");
            assertEquals(tx.drops(), tx.drops(DropReason.RECEIVER_FULL), "every drop is receiver_full");
            assertEquals(1, sub.getItems().size(), "batches emitted without demand");
            assertArrayEquals(heldCopy, held.toArray(0), "held batch after more traffic");
            assertEquals(-1L, MemorySegment.mismatch(heldSegment, 0, heldCopy.length, MemorySegment.ofArray(heldCopy),
                    0, heldCopy.length), "held segment after more traffic");

            sub.request(Long.MAX_VALUE);
            ReactiveFixture.awaitUntil(() -> frames(sub) == 1 + accepted, "the accepted frames");
            assertThrows(IllegalStateException.class, () -> heldSegment.get(ValueLayout.JAVA_BYTE, 0),
                    "reading a released batch's segment");
            assertThrows(IllegalStateException.class, () -> held.toArray(0), "copying a released batch");
            assertEquals(BURST + 1 - frames(sub), tx.drops(DropReason.RECEIVER_FULL), "drops = sent - delivered");

            // traffic resumes; the last batch emitted stays readable until the next one
            for (int i = 0; i < 10; i++) {
                ReactiveFixture.send(a, frame(BURST + 1 + i));
            }
            ReactiveFixture.awaitUntil(() -> frames(sub) == 1 + accepted + 10, "frames after requesting again");
            PacketBatch last = sub.getItems().get(sub.getItems().size() - 1);
            assertArrayEquals(frame(BURST + 10), last.toArray(last.size() - 1), "last frame");
            assertEquals(BURST + 11 - frames(sub), tx.drops(DropReason.RECEIVER_FULL), "drops = sent - delivered");
        }
    }

    @Test
    void shouldRefuseSecondReceiverAndUnknownPortWhenSubscribing() {
        try (ReactiveFixture f = new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).config())) {
            AssertSubscriber<PacketBatch> first = f.backend.receive("a").subscribe()
                    .withSubscriber(AssertSubscriber.create(1));
            AssertSubscriber<PacketBatch> second = f.backend.receive("a").subscribe()
                    .withSubscriber(AssertSubscriber.create(1));
            ControlException e = (ControlException) second.awaitFailure().getFailure();
            assertEquals(ControlException.Code.ALREADY_EXISTS, e.code());
            assertTrue(e.getMessage().contains("port=a"), e.getMessage());
            ControlException unknown = (ControlException) f.backend.receive("zz").subscribe()
                    .withSubscriber(AssertSubscriber.create(1)).awaitFailure().getFailure();
            assertEquals(ControlException.Code.NOT_FOUND, unknown.code());
            first.cancel();
            // once the first subscription is gone the port takes a new receiver
            ReactiveFixture.awaitUntil(() -> {
                AssertSubscriber<PacketBatch> again = f.backend.receive("a").subscribe()
                        .withSubscriber(AssertSubscriber.create(1));
                boolean ok = again.getFailure() == null;
                again.cancel();
                return ok;
            }, "a new receiver after cancel");
        }
    }

    private static int frames(AssertSubscriber<PacketBatch> sub) {
        int n = 0;
        for (PacketBatch b : sub.getItems()) {
            n += b.size();
        }
        return n;
    }

    private static byte[] frame(int seq) {
        return Frames.frame(B, A, seq, 100 + seq % 200, 17);
    }
}
