package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA0;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SplitVirtqueue#touchAhead}: reads and writes ahead, but nothing a driver or a later pop can tell apart. */
class TouchAheadTest {
    private final TestDriver driver = new TestDriver(256);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void changesNeitherMemoryNorRingState() {
        SplitVirtqueue q = driver.newQueue(false, true);
        byte[] buffers = new byte[4 * 4096];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = (byte) (i * 7 + 3);
        }
        driver.write(GPA2, buffers);
        driver.desc(3, GPA2, 2048, F_WRITE, 0); // an RX buffer
        driver.desc(4, GPA2 + 4096, 60, 0, 0); // a TX buffer
        driver.indirectDesc(GPA2 + 8192, 0, GPA2 + 12288, 100, F_WRITE, 0);
        driver.desc(5, GPA2 + 8192, 16, F_INDIRECT | F_WRITE, 0); // WRITE on an indirect head: ignored, never written
        for (int slot = 0; slot < 256; slot++) { // used elements from an earlier lap
            driver.write(TestDriver.USED_OFF + 4 + 8L * slot, new byte[] {(byte) slot, 0, 0, 0, (byte) ~slot, 1, 0, 0});
        }
        driver.publish(3);
        driver.publish(4);
        driver.publish(5);
        byte[] ring = driver.read(GPA0, (int) TestDriver.BUF_OFF0);
        buffers = driver.read(GPA2, buffers.length); // with the indirect table
        assertEquals(3, q.pending());

        q.touchAhead(driver.memory(), 32, true);
        q.touchAhead(driver.memory(), 32, false);

        assertArrayEquals(buffers, driver.read(GPA2, buffers.length), "guest buffers unchanged");
        assertArrayEquals(ring, driver.read(GPA0, (int) TestDriver.BUF_OFF0), "descriptors, avail and used rings unchanged");
        assertEquals(0, q.lastAvailIndex());
        assertEquals(3, q.pop(driver.memory(), chain));
        assertEquals(4, q.pop(driver.memory(), chain));
        assertEquals(5, q.pop(driver.memory(), chain));
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
    }

    @Test
    void stopsQuietlyAtABufferOutsideMemoryAndLeavesTheRefusalToPop() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(1, 0x7000_0000_0000L, 64, F_WRITE, 0); // outside every region
        driver.publish(1);
        assertEquals(1, q.pending());
        q.touchAhead(driver.memory(), 32, true);
        assertEquals(PathStatus.ERR_ADDRESS, q.pop(driver.memory(), chain));
    }

    @Test
    void stopsQuietlyAtAHeadPastTheRingAndLeavesTheRefusalToPop() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.setAvailEntry(0, 999);
        driver.setAvailIdx(1);
        assertEquals(1, q.pending());
        q.touchAhead(driver.memory(), 32, true);
        assertEquals(PathStatus.ERR_HEAD_RANGE, q.pop(driver.memory(), chain));
        q.touchAhead(driver.memory(), 32, true); // a broken ring: nothing read, nothing thrown
    }

    @Test
    void readsNothingWhenNothingIsPending() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.setAvailEntry(0, 999); // a head past the ring, not made available
        q.touchAhead(driver.memory(), 32, true);
        assertEquals(0, q.pending());
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        driver.publish(0);
        assertEquals(1, q.pending());
        q.touchAhead(driver.memory(), 32, true);
        assertEquals(0, q.pop(driver.memory(), chain));
    }
}
