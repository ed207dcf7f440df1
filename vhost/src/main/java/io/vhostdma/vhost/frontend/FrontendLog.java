package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.protocol.Request;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.BitSet;

/**
 * The migration side of the test front end, as QEMU drives it (vhost-user-facts §14): a log memfd sized for the
 * guest memory (one bit per 4 KiB page of guest-physical address space), SET_LOG_BASE, SET_FEATURES with LOG_ALL
 * and SET_VRING_ADDR with the LOG flag and the used ring's GPA on every ring; {@link #stop} turns logging off the
 * same way. {@link #takeDirty} reads and clears the bitmap the way QEMU's sync does: an atomic exchange per 64-bit
 * word, concurrently with the back end setting bits. Needs LOG_SHMFD negotiated and guest-physical addresses that
 * start at 0 (an image of at least two regions).
 */
public final class FrontendLog implements AutoCloseable {
    /** Bytes of guest memory per bit. */
    public static final long PAGE = 4096;
    private static final long MAX_BYTES = 64L << 20;
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final VhostUserFrontend fe;
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final long bytes;
    private final MemorySegment bitmap;

    private FrontendLog(VhostUserFrontend fe, long bytes) {
        this.fe = fe;
        this.bytes = bytes;
        this.fd = Memfd.create("vhost-frontend-log", bytes);
        this.bitmap = Mmap.mapShared(fd, 0, bytes, arena);
    }

    /** Maps a log for {@code fe}'s memory, sends SET_LOG_BASE and turns logging on ({@link #start}). */
    public static FrontendLog open(VhostUserFrontend fe) {
        if (!fe.negotiation().hasProtocol(ProtocolFeatures.LOG_SHMFD)) {
            throw new FrontendException("LOG_SHMFD not negotiated: protocol-features=0x"
                    + Long.toHexString(fe.negotiation().protocolFeatures()));
        }
        GuestMemoryImage mem = fe.memory();
        long end = 0;
        for (int i = 0; i < mem.regionCount(); i++) {
            end = Math.max(end, mem.guestPhysAddr(i) + mem.regionSize());
        }
        long bytes = ((end / PAGE + 63) / 64) * 8;
        if (bytes > MAX_BYTES) {
            throw new FrontendException("guest-physical space too large for a test log: end=0x" + Long.toHexString(end));
        }
        FrontendLog log = new FrontendLog(fe, bytes);
        try {
            long reply = fe.client().sendLogBase(bytes, 0, log.fd);
            if (reply != 0) {
                throw new FrontendException("SET_LOG_BASE refused: reply=" + reply);
            }
            log.start();
            return log;
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** SET_FEATURES with LOG_ALL, then SET_VRING_ADDR with the LOG flag on every ring (each acked). */
    public void start() {
        long features = fe.negotiation().features() | VirtioNetFeatures.LOG_ALL;
        fe.client().sendU64(Request.SET_FEATURES, features, true);
        fe.client().getU64(Request.GET_FEATURES); // a barrier when REPLY_ACK is absent (QEMU does the same)
        for (int i = 0; i < fe.ringCount(); i++) {
            DriverVirtqueue q = fe.ring(i);
            fe.client().sendVringAddr(q, 1, q.usedGpa(), true);
        }
    }

    /** SET_FEATURES without LOG_ALL and SET_VRING_ADDR without the LOG flag (each acked). */
    public void stop() {
        fe.client().sendU64(Request.SET_FEATURES, fe.negotiation().features(), true);
        fe.client().getU64(Request.GET_FEATURES);
        for (int i = 0; i < fe.ringCount(); i++) {
            fe.client().sendVringAddr(fe.ring(i), 0, 0, true);
        }
    }

    /** The pages marked dirty since the last call, cleared as it reads (one atomic exchange per word). */
    public BitSet takeDirty() {
        BitSet pages = new BitSet();
        for (long off = 0; off < bytes; off += 8) {
            long w = (long) WORD.getAndSet(bitmap, off, 0L);
            for (long bits = w; bits != 0; bits &= bits - 1) {
                pages.set((int) (off * 8 + Long.numberOfTrailingZeros(bits)));
            }
        }
        return pages;
    }

    /** Bitmap bytes. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
        Fds.close(fd);
    }
}
