package io.vhostdma.backend.demo;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One demo "guest": a front end that keeps sending frames from its MAC to the peer's and receives
 * and checks what arrives. Runs on its own thread.
 */
final class Guest implements Runnable {
    private static final int FRAME = 512;
    /** Frames in flight towards the peer: below its RX ring size, so nothing is dropped for lack of buffers. */
    private static final int WINDOW = 192;
    private static final long IDLE_WAIT_NANOS = 1_000_000;
    private static final ValueLayout.OfLong SEQ = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private final String name;
    private final VhostUserFrontend frontend;
    private final long mac;
    private final long peer;
    private volatile boolean running = true;
    private volatile long sent;
    private volatile long received;
    private volatile long corrupt;
    private long lastSent;
    private long lastReceived;
    private long lastNanos = System.nanoTime();
    private volatile Guest peerGuest;

    Guest(String name, VhostUserFrontend frontend, long mac, long peer) {
        this.name = name;
        this.frontend = frontend;
        this.mac = mac;
        this.peer = peer;
    }

    @Override
    public void run() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tx = a.allocate(FRAME);
            MemorySegment rx = a.allocate(65536);
            putMac(tx, 0, peer);
            putMac(tx, 6, mac);
            tx.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 12, (short) 0x88b5);
            long seq = 0;
            Guest other = peerGuest;
            while (running) {
                boolean sentAny = false;
                while (seq - other.received < WINDOW) {
                    tx.set(SEQ, 14, seq);
                    tx.set(SEQ, FRAME - 8, ~seq);
                    if (frontend.send(0, tx, 0, FRAME) != 1) {
                        break;
                    }
                    seq++;
                    sent = seq;
                    sentAny = true;
                }
                int got = 0;
                int n;
                while ((n = frontend.receive(0, rx, 0, (int) rx.byteSize())) > 0) {
                    if (n != FRAME || rx.get(SEQ, 14) != ~rx.get(SEQ, FRAME - 8)) {
                        corrupt++;
                    }
                    received++;
                    got++;
                }
                if (!sentAny && got == 0) {
                    // like a guest driver: sleep on the call eventfd instead of spinning (two cores)
                    frontend.awaitRx(0, IDLE_WAIT_NANOS);
                }
            }
        }
    }

    private static void putMac(MemorySegment s, long off, long mac) {
        for (int i = 0; i < 6; i++) {
            s.set(ValueLayout.JAVA_BYTE, off + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    /** The guest this one sends to (its receive count paces our sending). */
    void peer(Guest g) {
        peerGuest = g;
    }

    void stop() {
        running = false;
    }

    long received() {
        return received;
    }

    long corrupt() {
        return corrupt;
    }

    /** Rates since the previous call, e.g. {@code vm0 sent=1.20 Mpps received=1.19 Mpps}. */
    String rates() {
        long now = System.nanoTime();
        double secs = Math.max(1e-3, (now - lastNanos) / 1e9);
        long s = sent;
        long r = received;
        String line = String.format("%s sent=%.3f Mpps received=%.3f Mpps", name, (s - lastSent) / secs / 1e6,
                (r - lastReceived) / secs / 1e6);
        lastSent = s;
        lastReceived = r;
        lastNanos = now;
        return line;
    }
}
