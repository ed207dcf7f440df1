package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.vhost.frontend.VhostUserFrontend;

/** Bounded receive and send helpers for single frames. */
final class Receive {
    private Receive() {
    }

    /** The next frame on queue pair 0 of {@code fe}, waiting up to the fixture's bound. */
    static byte[] next(VhostUserFrontend fe, String who) {
        long deadline = System.nanoTime() + DaemonFixture.WAIT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] f = fe.receive(0);
            if (f != null) {
                return f;
            }
            fe.awaitRx(0, 10_000_000L);
        }
        fail("no frame arrived at " + who);
        return null;
    }

    /** Asserts that the next frame {@code fe} receives is exactly {@code want}. */
    static void expect(VhostUserFrontend fe, byte[] want, String what) {
        byte[] got = next(fe, what);
        assertNotNull(got);
        assertArrayEquals(want, got, what);
    }

    /** Sends one frame on queue pair 0, reclaiming TX descriptors until it is queued. */
    static void send(VhostUserFrontend fe, byte[] frame) {
        long deadline = System.nanoTime() + DaemonFixture.WAIT_MILLIS * 1_000_000L;
        while (true) {
            int r = fe.send(0, frame);
            if (r == 1) {
                return;
            }
            if (r < 0) {
                fail("send failed: code=" + r);
            }
            if (System.nanoTime() > deadline) {
                fail("TX ring stayed full: counters=" + fe.counters(0));
            }
            fe.reclaimTx(0);
            Thread.onSpinWait();
        }
    }
}
