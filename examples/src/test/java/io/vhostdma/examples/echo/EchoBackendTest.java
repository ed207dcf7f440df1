package io.vhostdma.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoBackendTest {
    private static final long WAIT_NANOS = 15_000_000_000L;
    /** Frames in flight: well below the RX ring size, so the echo never finds the guest's ring full. */
    private static final int WINDOW = 32;

    @TempDir
    Path dir;

    @Test
    void shouldReturnEveryFrameByteExactAndInOrderWhenAGuestSends() {
        try (EchoBackend echo = EchoBackend.start(EchoMain.config(dir, List.of("echo0")));
                VhostUserFrontend fe = connect("echo0")) {
            byte[][] frames = frames(400, 1);
            exchange(fe, frames, "echo0");
            awaitCount(() -> echo.echoed("echo0"), frames.length, "echoed counter");
            assertEquals(0, echo.dropped("echo0"));
            assertNull(echo.failure());
        }
    }

    @Test
    void shouldEchoIntoTheSendingGuestOnlyWhenTwoGuestsShareTheBackend() {
        try (EchoBackend echo = EchoBackend.start(EchoMain.config(dir, List.of("echo0", "echo1")));
                VhostUserFrontend a = connect("echo0");
                VhostUserFrontend b = connect("echo1")) {
            byte[][] fromA = frames(150, 2);
            byte[][] fromB = frames(150, 3);
            exchange(a, fromA, "echo0");
            exchange(b, fromB, "echo1");
            assertNull(a.receive(0), "echo0 received a frame it did not send");
            assertNull(b.receive(0), "echo1 received a frame it did not send");
            awaitCount(() -> echo.echoed("echo0"), fromA.length, "echo0 echoed counter");
            awaitCount(() -> echo.echoed("echo1"), fromB.length, "echo1 echoed counter");
            assertEquals(0, echo.dropped("echo0") + echo.dropped("echo1"));
        }
    }

    private VhostUserFrontend connect(String port) {
        return VhostUserFrontend.connect(FrontendOptions.builder(dir.resolve(port + ".sock"))
                .memorySize(16L << 20).timeoutMillis(15_000).build());
    }

    /** Sends {@code frames} (at most {@link #WINDOW} unanswered) and checks each comes back exactly, in order. */
    private static void exchange(VhostUserFrontend fe, byte[][] frames, String port) {
        int sent = 0;
        int received = 0;
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (received < frames.length) {
            if (sent < frames.length && sent - received < WINDOW) {
                int r = fe.send(0, frames[sent]);
                if (r < 0) {
                    fail("send failed: port=" + port + " code=" + r);
                }
                sent += r;
                if (r == 0) {
                    fe.reclaimTx(0);
                }
            }
            byte[] got = fe.receive(0);
            if (got != null) {
                assertArrayEquals(frames[received], got, "port=" + port + " frame=" + received);
                received++;
                deadline = System.nanoTime() + WAIT_NANOS;
            } else if (sent == frames.length || sent - received >= WINDOW) {
                if (System.nanoTime() > deadline) {
                    fail("echo stalled: port=" + port + " sent=" + sent + " received=" + received);
                }
                fe.reclaimTx(0);
                fe.awaitRx(0, 1_000_000L);
            }
        }
    }

    /** {@code count} Ethernet frames, 60..1514 bytes, sequence number at offset 14, random payload. */
    private static byte[][] frames(int count, long seed) {
        Random r = new Random(seed);
        byte[][] f = new byte[count][];
        for (int i = 0; i < count; i++) {
            f[i] = new byte[60 + r.nextInt(1514 - 60 + 1)];
            r.nextBytes(f[i]);
            f[i][0] = 0x02; // locally administered unicast destination
            f[i][6] = 0x02; // and source
            f[i][12] = (byte) 0x88;
            f[i][13] = (byte) 0xb5;
            f[i][14] = (byte) (i >>> 8);
            f[i][15] = (byte) i;
        }
        return f;
    }

    private static void awaitCount(java.util.function.LongSupplier counter, long want, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (counter.getAsLong() < want) {
            if (System.nanoTime() > deadline) {
                fail(what + ": got " + counter.getAsLong() + ", want " + want);
            }
            Thread.onSpinWait();
        }
        assertEquals(want, counter.getAsLong(), what);
    }
}
