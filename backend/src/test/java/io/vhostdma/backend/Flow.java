package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One direction of test traffic: frames from {@code from} (MAC {@code src}) to {@code to} (MAC
 * {@code dst}) on one queue pair, sent with a bounded window and checked byte for byte and in order
 * as they arrive. {@link #run} drives several flows at once.
 */
final class Flow {
    private final VhostUserFrontend from;
    private final VhostUserFrontend to;
    private final int queuePair;
    private final int toQueuePair;
    private final byte[][] frames;
    private final int window;
    private final byte[] got = new byte[65536];
    private final MemorySegment rx = MemorySegment.ofArray(got);
    private int sent;
    private int received;

    Flow(VhostUserFrontend from, VhostUserFrontend to, int queuePair, long dst, long src, int[] sizes, long seed,
            int window) {
        this(from, queuePair, to, queuePair, dst, src, sizes, seed, window);
    }

    /** A flow sent on {@code queuePair} of {@code from} and expected on {@code toQueuePair} of {@code to}. */
    Flow(VhostUserFrontend from, int queuePair, VhostUserFrontend to, int toQueuePair, long dst, long src, int[] sizes,
            long seed, int window) {
        this.from = from;
        this.to = to;
        this.queuePair = queuePair;
        this.toQueuePair = toQueuePair;
        this.window = window;
        this.frames = new byte[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            frames[i] = Frames.frame(dst, src, i, sizes[i], seed);
        }
    }

    Flow(VhostUserFrontend from, VhostUserFrontend to, int queuePair, long dst, long src, int[] sizes, long seed) {
        this(from, to, queuePair, dst, src, sizes, seed, 16);
    }

    int count() {
        return frames.length;
    }

    long bytes() {
        long n = 0;
        for (byte[] f : frames) {
            n += f.length;
        }
        return n;
    }

    boolean done() {
        return received == frames.length;
    }

    /** One step: send if the window allows, receive what arrived; returns whether anything moved. */
    private boolean step() {
        boolean moved = false;
        if (sent < frames.length && sent - received < window) {
            int r = from.send(queuePair, frames[sent]);
            if (r < 0) {
                fail("send failed: code=" + r + " frame=" + sent);
            }
            if (r == 1) {
                sent++;
                moved = true;
            } else {
                from.reclaimTx(queuePair);
            }
        }
        int n;
        while ((n = to.receive(toQueuePair, rx, 0, got.length)) != 0) {
            if (n < 0) {
                fail("receive failed: code=" + n + " frame=" + received + " counters=" + to.counters(toQueuePair));
            }
            if (received >= frames.length) {
                fail("unexpected extra frame: len=" + n + " queuePair=" + queuePair);
            }
            byte[] want = frames[received];
            assertEquals(want.length, n, "length of frame " + received + " on queue pair " + toQueuePair);
            long mismatch = MemorySegment.mismatch(rx, 0, n, MemorySegment.ofArray(want), 0, want.length);
            assertEquals(-1L, mismatch, "first differing byte of frame " + received + " on queue pair " + toQueuePair);
            received++;
            moved = true;
        }
        return moved;
    }

    /** Runs every flow to completion (or fails after {@code timeoutMillis} without completing). */
    static void run(List<Flow> flows, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            boolean allDone = true;
            boolean moved = false;
            for (Flow f : flows) {
                moved |= f.step();
                allDone &= f.done();
            }
            if (allDone) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder sb = new StringBuilder("traffic timed out:");
                for (Flow f : flows) {
                    sb.append(" [qp=").append(f.queuePair).append(" sent=").append(f.sent).append(" received=")
                            .append(f.received).append('/').append(f.frames.length).append(" rx=")
                            .append(f.to.counters(f.toQueuePair)).append(']');
                }
                fail(sb.toString());
            }
            if (!moved) {
                for (Flow f : flows) {
                    f.from.reclaimTx(f.queuePair);
                }
                flows.get(0).to.awaitRx(flows.get(0).toQueuePair, 1_000_000L);
            }
        }
    }
}
