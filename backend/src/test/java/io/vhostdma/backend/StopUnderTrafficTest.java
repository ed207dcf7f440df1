package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration hand-over rule: GET_VRING_BASE on a ring that is busy (frames flowing into it, or out of it) answers
 * exactly the used index it left in guest memory — everything taken was returned, nothing in flight — because the
 * destination starts from that base and from used.idx, and a base ahead of or behind used.idx makes it replay old
 * descriptors or lose chains.
 */
class StopUnderTrafficTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"none", "cpu", "sw"})
    void shouldAnswerTheUsedIndexWhenARingIsStoppedUnderTraffic(String engine) throws Exception {
        DaemonFixture.Builder builder = DaemonFixture.builder(dir).port("a", 1).port("b", 1);
        if (!engine.equals("none")) {
            AsyncDataPathTest.bindAll(builder, engine, 50).group("tenant", AsyncDataPathTest.TOKEN, "a", "b");
        }
        try (DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            AtomicBoolean stop = new AtomicBoolean();
            Thread sender = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    if (a.send(0, Frames.frame(B, A, i, 1400, 3)) != 1) {
                        a.reclaimTx(0);
                        Thread.onSpinWait();
                    }
                }
            });
            try {
                for (int n = 0; n < 500; ) {
                    n += b.receive(0) != null ? 1 : 0;
                }
                int rxBase = b.client().getVringBase(0); // frames still flowing into b's RX ring
                assertEquals(b.ring(0).usedIdx(), rxBase & 0xffff, "b's RX base = its used.idx");
            } finally {
                stop.set(true);
                sender.join();
            }
            a.send(0, Frames.frame(B, A, 0, 60, 3));
            int txBase = a.client().getVringBase(1);
            assertEquals(a.ring(1).usedIdx(), txBase & 0xffff, "a's TX base = its used.idx");
        }
    }
}
