package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.BUF_OFF0;
import static io.vhostdma.vhost.virtq.TestDriver.DESC_OFF;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PackedVirtqueue#touchAhead} ({@link PackedReadAhead}): reads and writes ahead, but nothing a driver or a
 * later pop can tell apart. Where it writes is made visible with a non-zero {@link PackedReadAhead#touchMask}; what
 * it must not read lies in a region whose memory is already closed (any access throws).
 */
class PackedTouchAheadTest {
    /** A region whose segment's arena is closed: reading or writing it throws IllegalStateException. */
    private static final long POISON_GPA = 0x8000_0000L;
    private static final long POISON_UVA = 0x7f30_0000_0000L;

    private final List<PackedTestDriver> drivers = new ArrayList<>();
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        drivers.forEach(PackedTestDriver::close);
    }

    private PackedTestDriver driver(int size) {
        PackedTestDriver d = new PackedTestDriver(size);
        drivers.add(d);
        return d;
    }

    /** Four chains at slots 0..4: RX direct (id 3), TX (4), indirect with WRITE on it (5), header + RX (6). */
    private static void fourChains(PackedTestDriver d) {
        for (int i = 0; i < 6 * 4096; i++) {
            d.bytes().writeByte(GPA2 + i, (byte) (i * 7 + 3));
        }
        d.indirectEntry(GPA2 + 8192, 0, GPA2 + 12288, 100, F_WRITE);
        d.add1(3, GPA2, 2048, F_WRITE);
        d.add1(4, GPA2 + 4096, 60, 0);
        d.add1(5, GPA2 + 8192, 16, F_INDIRECT | F_WRITE); // WRITE on an indirect descriptor: never written through
        d.add(6, new long[] {GPA2 + 16384, GPA2 + 20480}, new int[] {12, 1500}, new int[] {0, F_WRITE});
    }

    @Test
    void shouldChangeNeitherMemoryNorRingStateWhenReadingAhead() {
        PackedTestDriver d = driver(8);
        PackedVirtqueue q = d.newQueue(false, true);
        fourChains(d);
        byte[][] before = snapshot(d.memory());
        assertEquals(5, q.pending());

        q.touchAhead(d.memory(), 32, true);
        q.touchAhead(d.memory(), 32, false);

        assertUnchanged(before, snapshot(d.memory()));
        assertEquals(0x8000, q.availMark());
        assertEquals(0x8000_8000, q.lastAvailIndex());
        assertEquals(5, q.pending());
        assertEquals(3, q.pop(d.memory(), chain));
        assertEquals(2048, chain.writableBytes());
        assertEquals(4, q.pop(d.memory(), chain));
        assertEquals(60, chain.readableBytes());
        assertEquals(5, q.pop(d.memory(), chain));
        assertEquals(100, chain.writableBytes());
        assertEquals(6, q.pop(d.memory(), chain));
        assertEquals(1500, chain.writableBytes());
        assertEquals(PathStatus.EMPTY, q.pop(d.memory(), chain));
    }

    @Test
    void shouldWriteBackOnlyHeadSlotLengthsAndWritableDirectHeadBytesWhenForWrite() {
        PackedTestDriver d = driver(8);
        PackedVirtqueue q = d.newQueue(false, true);
        fourChains(d);
        PackedReadAhead ahead = visible();
        byte[][] before = snapshot(d.memory());

        ahead.touch(d.memory(), ring(d), 8, q.availMark(), 32, false);
        assertUnchanged(before, snapshot(d.memory()));

        ahead.touch(d.memory(), ring(d), 8, q.availMark(), 32, true);
        TreeSet<String> want = new TreeSet<>(List.of("2+0")); // the RX buffer's first byte; not TX, indirect, non-head
        for (int slot : new int[] {0, 1, 2, 3}) { // the heads' slots, where in-order used descriptors go; not slot 4
            want.addAll(len(slot));
        }
        assertEquals(want, changed(before, snapshot(d.memory())));
    }

    @Test
    void shouldTouchAtMostMaxChainsWhenMoreAreAvailable() {
        PackedTestDriver d = driver(8);
        PackedVirtqueue q = d.newQueue(false, true);
        fourChains(d);
        PackedReadAhead ahead = visible();
        byte[][] before = snapshot(d.memory());

        ahead.touch(d.memory(), ring(d), 8, q.availMark(), 1, true);
        TreeSet<String> want = new TreeSet<>(len(0));
        want.add("2+0");
        assertEquals(want, changed(before, snapshot(d.memory())));

        byte[][] after = snapshot(d.memory());
        ahead.touch(d.memory(), ring(d), 8, q.availMark(), 0, true);
        assertUnchanged(after, snapshot(d.memory()));
    }

    /** Avail position 3 with wrap 1: a chain in slot 3, then one in slots 0-1 with wrap 0; slot 2 holds lap 1's used. */
    @Test
    void shouldFollowTheWrapCounterWhenTheAvailableRunCrossesTheRingEnd() {
        PackedTestDriver d = driver(4);
        PackedVirtqueue q = d.newQueue(true, false);
        for (int id = 0; id < 3; id++) {
            d.add1(id, BUF_OFF0 + 64L * id, 64, F_WRITE);
            assertEquals(id, q.pop(d.memory(), chain));
            q.addUsed(id, 64);
        }
        q.publishUsed();
        for (int id = 0; id < 3; id++) {
            assertEquals(id, d.pollUsed()[0]);
        }
        d.add1(0, GPA2, 64, F_WRITE); // slot 3, wrap 1
        d.add(1, new long[] {GPA2 + 4096, GPA2 + 8192}, new int[] {64, 64}, new int[] {F_WRITE, F_WRITE}); // 0-1, wrap 0
        assertEquals(0x3 | 0x8000, q.availMark());
        assertEquals(3, q.pending());
        PackedReadAhead ahead = visible();
        byte[][] before = snapshot(d.memory());

        ahead.touch(d.memory(), ring(d), 4, q.availMark(), 32, true);

        TreeSet<String> want = new TreeSet<>(List.of("2+0", "2+4096")); // not slot 1's buffer, nor slot 2's (lap 1)
        want.addAll(len(3));
        want.addAll(len(0));
        assertEquals(want, changed(before, snapshot(d.memory())));
    }

    @Test
    void shouldPopAndPublishTheSameWithAndWithoutReadAheadWhenRingsRunManyLaps() {
        PackedTestDriver plain = driver(5);
        PackedTestDriver touched = driver(5);
        PackedVirtqueue p = plain.newQueue(true, false);
        PackedVirtqueue t = touched.newQueue(true, false);
        Random rnd = new Random(42);
        DescriptorChain other = new DescriptorChain();
        int chains = 0;
        for (int round = 0; round < 2000; round++) {
            int free = 5;
            int id = 0;
            while (free > 0 && rnd.nextInt(4) != 0) { // chains of 1..3 descriptors, ids 0.., every other one RX
                int n = 1 + rnd.nextInt(Math.min(free, 3));
                long[] a = new long[n];
                int[] l = new int[n];
                int[] f = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = GPA2 + 4096L * (id * 3 + i);
                    l[i] = 10 + i;
                    f[i] = id % 2 == 0 ? F_WRITE : 0;
                }
                plain.add(id, a, l, f);
                touched.add(id, a, l, f);
                free -= n;
                id++;
            }
            assertEquals(p.pending(), t.pending());
            t.touchAhead(touched.memory(), 32, true);
            int got;
            while ((got = p.pop(plain.memory(), chain)) >= 0) {
                assertEquals(got, t.pop(touched.memory(), other), "the same id");
                assertEquals(chain.descriptorCount(), other.descriptorCount());
                assertEquals(chain.readableBytes(), other.readableBytes());
                assertEquals(chain.writableBytes(), other.writableBytes());
                p.addUsed(got, (int) chain.writableBytes());
                t.addUsed(got, (int) other.writableBytes());
                chains++;
            }
            assertEquals(PathStatus.EMPTY, got);
            assertEquals(PathStatus.EMPTY, t.pop(touched.memory(), other));
            p.publishUsed();
            t.publishUsed();
            int[] u;
            while ((u = plain.pollUsed()) != null) {
                assertArrayEquals(u, touched.pollUsed(), "the same used descriptor");
            }
            assertNull(touched.pollUsed());
            assertEquals(p.lastAvailIndex(), t.lastAvailIndex());
        }
        assertUnchanged(snapshot(plain.memory()), snapshot(touched.memory()));
        assertTrue(chains > 5 * 200, "many laps: " + chains);
    }

    @Test
    void shouldReadNothingWhenNoDescriptorIsAvailable() {
        PackedTestDriver d = driver(4);
        try (Poisoned m = new Poisoned(d)) {
            PackedVirtqueue q = m.queue(false);
            d.raw(0, POISON_GPA, 64, 0, F_WRITE | PackedTestDriver.availBits(true), false); // flags not yet stored
            q.touchAhead(m.memory, 32, true);
            d.raw(0, POISON_GPA, 64, 0, F_WRITE | PackedTestDriver.availBits(false), true); // the other lap's flags
            q.touchAhead(m.memory, 32, true);
            assertEquals(0, q.pending());

            d.raw(0, POISON_GPA, 64, 0, F_WRITE | PackedTestDriver.availBits(true), true);
            assertEquals(1, q.pending());
            q.touchAhead(m.memory, 0, true);
            assertThrows(IllegalStateException.class, () -> q.touchAhead(m.memory, 32, true),
                    "an available head is read (so the calls above would have shown a read)");
        }
    }

    @Test
    void shouldStopQuietlyAtABufferOutsideMemoryAndLeaveTheRefusalToPop() {
        PackedTestDriver d = driver(4);
        try (Poisoned m = new Poisoned(d)) {
            PackedVirtqueue q = m.queue(false);
            d.add1(0, 0x7000_0000_0000L, 64, F_WRITE); // outside every region
            d.add1(1, POISON_GPA, 64, F_WRITE); // after it: never read
            q.touchAhead(m.memory, 32, true);
            assertEquals(PathStatus.ERR_ADDRESS, q.pop(m.memory, chain));
        }
    }

    @Test
    void shouldLeaveAnIdPastTheRingToPopAndReadNothingOnceBroken() {
        PackedTestDriver d = driver(4);
        try (Poisoned m = new Poisoned(d)) {
            PackedVirtqueue q = m.queue(false);
            d.add1(999, GPA2, 64, F_WRITE);
            d.add1(1, POISON_GPA, 64, F_WRITE);
            byte[][] before = snapshot(d.memory());
            q.touchAhead(m.memory, 1, true);
            assertUnchanged(before, snapshot(d.memory()));
            assertEquals(PathStatus.ERR_HEAD_RANGE, q.pop(m.memory, chain));
            q.touchAhead(m.memory, 32, true); // broken: the poisoned second chain is not read
        }
    }

    @Test
    void shouldStopAtAnIndirectDescriptorThatCarriesNextAndLeaveTheRefusalToPop() {
        PackedTestDriver d = driver(4);
        try (Poisoned m = new Poisoned(d)) {
            PackedVirtqueue q = m.queue(true);
            d.indirectEntry(GPA2 + 4096, 0, GPA2, 64, F_WRITE);
            d.add(0, new long[] {GPA2 + 4096, POISON_GPA}, new int[] {16, 64}, new int[] {F_INDIRECT, F_WRITE});
            d.add1(1, POISON_GPA, 64, F_WRITE); // the next head, were the indirect descriptor taken as a chain's end
            q.touchAhead(m.memory, 32, true);
            assertEquals(PathStatus.ERR_INDIRECT, q.pop(m.memory, chain));
        }
    }

    /** A read-ahead whose write-backs flip every bit they store, so a memory diff shows where it writes. */
    private static PackedReadAhead visible() {
        PackedReadAhead ahead = new PackedReadAhead();
        ahead.touchMask(-1);
        return ahead;
    }

    private static MemorySegment ring(PackedTestDriver d) {
        return d.memory().uvaSlice(TestDriver.UVA0 + DESC_OFF, PackedRingLayout.descRingBytes(d.size()));
    }

    /** The four bytes of descriptor {@code slot}'s len, as {@link #changed} names them. */
    private static List<String> len(int slot) {
        List<String> bytes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bytes.add("0+" + (DESC_OFF + PackedRingLayout.desc(slot) + PackedRingLayout.DESC_LEN + i));
        }
        return bytes;
    }

    private static byte[][] snapshot(GuestMemory mem) {
        byte[][] out = new byte[mem.regionCount()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = mem.segment(i).toArray(ValueLayout.JAVA_BYTE);
        }
        return out;
    }

    private static void assertUnchanged(byte[][] want, byte[][] got) {
        assertEquals(new TreeSet<String>(), changed(want, got), "bytes changed (region+offset)");
    }

    /** The bytes that differ, as "region+offset" (sorted as strings). */
    private static TreeSet<String> changed(byte[][] a, byte[][] b) {
        TreeSet<String> out = new TreeSet<>();
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < a[r].length; i++) {
                if (a[r][i] != b[r][i]) {
                    out.add(r + "+" + i);
                }
            }
        }
        return out;
    }

    /** The driver's regions plus one whose memory is closed: touching it throws. */
    private static final class Poisoned implements AutoCloseable {
        final GuestMemory memory;
        private final PackedTestDriver driver;

        Poisoned(PackedTestDriver driver) {
            this.driver = driver;
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(4096);
            }
            GuestMemory m = driver.memory();
            memory = GuestMemory.view(List.of(m.region(0), m.region(1), m.region(2),
                    new GuestRegion(POISON_GPA, 4096, POISON_UVA, closed)));
        }

        PackedVirtqueue queue(boolean indirect) {
            PackedVirtqueue q = new PackedVirtqueue(1);
            q.configure(driver.size(), TestDriver.UVA0 + DESC_OFF, TestDriver.UVA0 + TestDriver.AVAIL_OFF,
                    TestDriver.UVA0 + TestDriver.USED_OFF);
            q.setFeatures(false, indirect);
            q.setLastAvailIndex(0x8000);
            assertEquals(PathStatus.OK, q.attach(memory, true));
            return q;
        }

        @Override
        public void close() {
            memory.close();
        }
    }
}
