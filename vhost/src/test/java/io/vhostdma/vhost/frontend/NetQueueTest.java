package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.virtq.SplitRingLayout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RX/TX queue mechanics against a device simulated in the test (no back end). */
class NetQueueTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final GuestMemoryImage memory = GuestMemoryImage.create(1 << 20, 1);
    private final QueueCounters counters = new QueueCounters();
    private int deviceUsed;
    private int deviceAvail;

    @AfterEach
    void close() {
        memory.close();
    }

    /** The simulated device: takes the next avail head of {@code q}, returns its descriptor index. */
    private int deviceNextHead(DriverVirtqueue q) {
        long base = memory.offsetOf(q.availGpa());
        int head = memory.segmentOf(q.availGpa(), 1).get(LE16, base + SplitRingLayout.availEntry(deviceAvail++ & (q.size() - 1)));
        return head;
    }

    private void devicePublishUsed(DriverVirtqueue q, int id, int len) {
        MemorySegment s = memory.segmentOf(q.usedGpa(), 1);
        long base = memory.offsetOf(q.usedGpa());
        long e = base + SplitRingLayout.usedElem(deviceUsed & (q.size() - 1));
        s.set(LE32, e + SplitRingLayout.USED_ELEM_ID, id);
        s.set(LE32, e + SplitRingLayout.USED_ELEM_LEN, len);
        deviceUsed++;
    }

    private void deviceFlushUsed(DriverVirtqueue q) {
        memory.segmentOf(q.usedGpa(), 1).set(LE16, memory.offsetOf(q.usedGpa()) + SplitRingLayout.RING_IDX,
                (short) deviceUsed);
    }

    /** Writes {@code bytes} into the buffer of descriptor {@code d}, starting at {@code at}. */
    private void deviceWrite(DriverVirtqueue q, int d, int at, byte[] bytes) {
        long gpa = q.descriptorAddr(d);
        MemorySegment.copy(bytes, 0, memory.segmentOf(gpa, bytes.length), ValueLayout.JAVA_BYTE,
                memory.offsetOf(gpa) + at, bytes.length);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private RxQueue rx(DriverVirtqueue q, int bufferSize) {
        RxQueue r = new RxQueue(memory, q, counters, bufferSize);
        q.configure(true, NotificationMode.RESPECT_SUPPRESSION);
        r.configure(12, true);
        r.prefill();
        return r;
    }

    @Test
    void shouldGatherNumBuffersWhenBackendMergesAPacket() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 0, 8);
        RxQueue r = rx(q, 256);
        byte[] frame = pattern(600, 3);
        byte[] header = new byte[12];
        header[10] = 3;
        int d0 = deviceNextHead(q);
        int d1 = deviceNextHead(q);
        int d2 = deviceNextHead(q);
        deviceWrite(q, d0, 0, header);
        deviceWrite(q, d0, 12, java.util.Arrays.copyOfRange(frame, 0, 244));
        deviceWrite(q, d1, 0, java.util.Arrays.copyOfRange(frame, 244, 500));
        deviceWrite(q, d2, 0, java.util.Arrays.copyOfRange(frame, 500, 600));
        devicePublishUsed(q, d0, 256);
        devicePublishUsed(q, d1, 256);
        MemorySegment dst = MemorySegment.ofArray(new byte[2048]);
        deviceFlushUsed(q);
        assertEquals(0, r.receive(dst, 0, 2048), "2 of 3 buffers published: not complete yet");
        devicePublishUsed(q, d2, 100);
        deviceFlushUsed(q);
        assertEquals(600, r.receive(dst, 0, 2048));
        assertArrayEquals(frame, dst.asSlice(0, 600).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(1, counters.rxMerged());
        assertEquals(8 + 3, q.availIdx(), "the three buffers were re-posted");
    }

    @Test
    void shouldDropAndRepostWhenDestinationTooSmall() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 0, 8);
        RxQueue r = rx(q, 2048);
        int d = deviceNextHead(q);
        byte[] header = new byte[12];
        header[10] = 1;
        deviceWrite(q, d, 0, header);
        devicePublishUsed(q, d, 12 + 1000);
        deviceFlushUsed(q);
        assertEquals(VhostUserFrontend.ERR_DST_TOO_SMALL, r.receive(MemorySegment.ofArray(new byte[100]), 0, 100));
        assertEquals(1, counters.rxTooSmall());
        assertEquals(9, q.availIdx());
    }

    @Test
    void shouldReportBadUsedEntryWhenBackendReturnsUnknownId() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 0, 8);
        RxQueue r = rx(q, 2048);
        devicePublishUsed(q, 77, 100);
        deviceFlushUsed(q);
        assertEquals(VhostUserFrontend.ERR_BAD_USED_ENTRY, r.receive(MemorySegment.ofArray(new byte[4096]), 0, 4096));
        assertEquals(1, counters.rxBadUsed());
        assertEquals(0, q.pendingUsed());
        assertEquals(8, q.availIdx(), "nothing to re-post for an unknown id");
    }

    @Test
    void shouldWriteZeroHeaderAndFrameWhenSendingDirect() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 1, 4);
        TxQueue t = new TxQueue(memory, q, counters, 2048);
        t.configure(12, false);
        byte[] frame = pattern(100, 9);
        assertEquals(1, t.enqueue(MemorySegment.ofArray(frame), 0, 100));
        t.flush();
        int d = deviceNextHead(q);
        assertEquals(112, q.descriptorLen(d));
        assertEquals(0, q.descriptorFlags(d));
        MemorySegment buf = memory.segmentOf(q.descriptorAddr(d), 112);
        long off = memory.offsetOf(q.descriptorAddr(d));
        assertArrayEquals(new byte[12], buf.asSlice(off, 12).toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(frame, buf.asSlice(off + 12, 100).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(VhostUserFrontend.ERR_FRAME_TOO_LARGE, t.enqueue(MemorySegment.ofArray(new byte[2040]), 0, 2040));
    }

    @Test
    void shouldBuildTwoEntryIndirectTableWhenIndirectTx() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 1, 4);
        TxQueue t = new TxQueue(memory, q, counters, 2048);
        t.configure(12, true);
        assertEquals(1, t.enqueue(MemorySegment.ofArray(pattern(60, 1)), 0, 60));
        t.flush();
        int d = deviceNextHead(q);
        assertEquals(VringDescLayout.F_INDIRECT, q.descriptorFlags(d));
        assertEquals(32, q.descriptorLen(d));
        long table = q.descriptorAddr(d);
        MemorySegment s = memory.segmentOf(table, 32);
        long o = memory.offsetOf(table);
        assertEquals(12, s.get(LE32, o + VringDescLayout.LEN));
        assertEquals(VringDescLayout.F_NEXT, s.get(LE16, o + VringDescLayout.FLAGS));
        assertEquals(1, s.get(LE16, o + VringDescLayout.NEXT));
        assertEquals(60, s.get(LE32, o + 16 + VringDescLayout.LEN));
        assertEquals(s.get(ValueLayout.JAVA_LONG, o) + 12, s.get(ValueLayout.JAVA_LONG, o + 16));
    }

    @Test
    void shouldReturnZeroAndCountTxFullUntilBackendReturnsDescriptors() {
        DriverVirtqueue q = DriverVirtqueue.allocate(memory, 1, 4);
        TxQueue t = new TxQueue(memory, q, counters, 2048);
        t.configure(12, false);
        MemorySegment f = MemorySegment.ofArray(pattern(64, 2));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, t.enqueue(f, 0, 64));
        }
        assertEquals(0, t.enqueue(f, 0, 64));
        assertEquals(1, counters.txFull());
        devicePublishUsed(q, deviceNextHead(q), 0);
        devicePublishUsed(q, 3, 0);
        devicePublishUsed(q, 3, 0);
        deviceFlushUsed(q);
        assertEquals(1, t.enqueue(f, 0, 64), "reclaimed on demand");
        assertEquals(1, counters.txBadUsed(), "a descriptor returned twice is counted, not freed twice");
        assertEquals(3, t.inFlightCount());
    }
}
