package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET_VRING_BASE at disconnect and reconnecting on the same socket. */
class RingStopTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldReturnTxCountAsVringBaseAndServeANewFrontEndAfterClose() {
        int sent = 66_000; // wraps the u16 index
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b", o -> o.ringSize(128));
            java.lang.foreign.MemorySegment frame = java.lang.foreign.MemorySegment.ofArray(Frames.frame(B, A, 0, 64, 1));
            for (int i = 0; i < sent; ) {
                if (a.send(0, frame, 0, 64) == 1) {
                    i++;
                } else {
                    a.reclaimTx(0);
                }
            }
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.tx(0).packets() == sent, "every frame dequeued");
            DaemonFixture.awaitUntil(() -> cb.rx(0).packets() + cb.rx(0).drops() == sent, "every frame accounted at b");
            d.disconnect("a", a);
            assertEquals(sent & 0xffff, a.vringBaseAtClose(1), "TX vring base = frames consumed mod 2^16");
            assertEquals(0, a.vringBaseAtClose(0), "a's RX ring untouched");
            d.disconnect("b", b);
            assertEquals(128, b.vringBaseAtClose(0), "b's RX base = buffers filled");
            assertEquals(0, b.vringBaseAtClose(1), "b sent nothing");

            VhostUserFrontend a2 = d.connect("a");
            VhostUserFrontend b2 = d.connect("b");
            Flow.run(List.of(new Flow(a2, b2, 0, B, A, Frames.sizes(300, 1, 0, 0), 5),
                    new Flow(b2, a2, 0, A, B, Frames.sizes(300, 2, 0, 0), 6)), 30_000);
        }
    }
}
