package io.vhostdma.vhost.transport;

import io.vhostdma.vhost.internal.sys.Errno;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.MessageBuffer;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import io.vhostdma.vhost.protocol.MemoryRegionLayout;
import io.vhostdma.vhost.protocol.VringAddrLayout;
import io.vhostdma.vhost.protocol.VringStateLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** A raw vhost-user front end for tests: writes messages byte by byte over a real socket. */
final class TestFrontEnd implements AutoCloseable {
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    final int fd;
    private final MessageBuffer out = new MessageBuffer(8192);
    private final MessageBuffer in = new MessageBuffer(8192);

    /** A received reply. */
    record Reply(int request, int flags, int size, long u64, int index, int num) {
    }

    TestFrontEnd(int fd) {
        this.fd = fd;
    }

    static TestFrontEnd connect(Path path) {
        return new TestFrontEnd(UnixSockets.connect(path, true));
    }

    /** Sends a message whose header says {@code size} and whose payload is {@code payload}. */
    void sendRaw(int request, int flags, int size, byte[] payload, int... fds) {
        MemorySegment d = out.data();
        d.set(U32, MessageHeaderLayout.REQUEST, request);
        d.set(U32, MessageHeaderLayout.FLAGS, flags);
        d.set(U32, MessageHeaderLayout.SIZE, size);
        MemorySegment.copy(payload, 0, d, ValueLayout.JAVA_BYTE, MessageHeaderLayout.BYTES, payload.length);
        long r = UnixSockets.send(fd, out, MessageHeaderLayout.BYTES + payload.length, fds, fds.length);
        if (r < 0) {
            throw new IllegalStateException("send failed: r=" + r);
        }
    }

    void send(int request, int flags, byte[] payload, int... fds) {
        sendRaw(request, flags, payload.length, payload, fds);
    }

    /** Reads one reply (waits up to 5 s). */
    Reply reply() {
        readExactly(0, MessageHeaderLayout.BYTES);
        MemorySegment d = in.data();
        int size = d.get(U32, MessageHeaderLayout.SIZE);
        readExactly(MessageHeaderLayout.BYTES, size);
        long p = MessageHeaderLayout.BYTES;
        return new Reply(d.get(U32, 0), d.get(U32, MessageHeaderLayout.FLAGS), size,
                size == 8 ? d.get(U64, p) : 0, size >= 8 ? d.get(U32, p) : 0, size >= 8 ? d.get(U32, p + 4) : 0);
    }

    /** Sends and reads the reply. */
    Reply call(int request, int flags, byte[] payload, int... fds) {
        send(request, flags, payload, fds);
        return reply();
    }

    /** Whether the back end closed the connection within {@code millis} (no data before EOF). */
    boolean eofWithin(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            long r;
            try {
                r = UnixSockets.receive(fd, in, 0, 1, false);
            } catch (io.vhostdma.vhost.internal.sys.SysException e) {
                return e.errno() == Errno.ECONNRESET; // closed with our unread bytes pending
            }
            if (r == 0) {
                return true;
            }
            if (r > 0) {
                return false;
            }
            sleep();
        }
        return false;
    }

    /** Whether nothing arrives within {@code millis} and the connection stays open. */
    boolean silentFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (UnixSockets.receive(fd, in, 0, 1, false) != -Errno.EAGAIN) {
                return false;
            }
            sleep();
        }
        return true;
    }

    private void readExactly(long off, long len) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long got = 0;
        while (got < len) {
            long r = UnixSockets.receive(fd, in, off + got, len - got, false);
            if (r == 0) {
                throw new IllegalStateException("EOF while reading reply");
            }
            if (r > 0) {
                got += r;
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for reply");
            } else {
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Fds.close(fd);
        out.close();
        in.close();
    }

    // ---- payload builders ----

    static byte[] u64(long v) {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        s.set(U64, 0, v);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] state(int index, int num) {
        MemorySegment s = MemorySegment.ofArray(new byte[VringStateLayout.BYTES]);
        s.set(U32, VringStateLayout.INDEX, index);
        s.set(U32, VringStateLayout.NUM, num);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] addr(int index, long desc, long used, long avail) {
        MemorySegment s = MemorySegment.ofArray(new byte[VringAddrLayout.BYTES]);
        s.set(U32, VringAddrLayout.INDEX, index);
        s.set(U64, VringAddrLayout.DESC, desc);
        s.set(U64, VringAddrLayout.USED, used);
        s.set(U64, VringAddrLayout.AVAIL, avail);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /** A memory table of {@code regions[i] = {gpa, size, uva, mmapOffset}}. */
    static byte[] memTable(long[]... regions) {
        MemorySegment s = MemorySegment.ofArray(
                new byte[MemoryRegionLayout.TABLE_HEADER_BYTES + regions.length * MemoryRegionLayout.BYTES]);
        s.set(U32, 0, regions.length);
        for (int i = 0; i < regions.length; i++) {
            long o = MemoryRegionLayout.TABLE_HEADER_BYTES + (long) i * MemoryRegionLayout.BYTES;
            s.set(U64, o + MemoryRegionLayout.GPA, regions[i][0]);
            s.set(U64, o + MemoryRegionLayout.SIZE, regions[i][1]);
            s.set(U64, o + MemoryRegionLayout.UVA, regions[i][2]);
            s.set(U64, o + MemoryRegionLayout.MMAP_OFFSET, regions[i][3]);
        }
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
