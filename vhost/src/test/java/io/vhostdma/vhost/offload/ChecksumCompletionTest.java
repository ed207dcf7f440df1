package io.vhostdma.vhost.offload;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NEEDS_CSUM completion against checksums computed independently ({@link RefFrames}). */
class ChecksumCompletionTest {

    /** What a Linux guest leaves in the field with NEEDS_CSUM: the folded pseudo-header sum (not complemented). */
    private static void partial(byte[] f, int l3, int l4, boolean ipv6, int proto, int field) {
        int p = RefFrames.pseudo(f, l3, ipv6, proto, f.length - l4);
        f[field] = (byte) (p >> 8);
        f[field + 1] = (byte) p;
    }

    @Test
    void shouldCompleteTcpChecksumOverIpv4WhenGuestLeftPseudoHeaderSum() {
        byte[] f = RefFrames.frame(false, false, true, 5, 0x18, RefFrames.payload(1000, 3));
        byte[] want = f.clone();
        want[34 + 16] = 0;
        want[34 + 17] = 0;
        int c = ~RefFrames.sum(want, 34, want.length, RefFrames.pseudo(want, 14, false, 6, want.length - 34)) & 0xFFFF;
        partial(f, 14, 34, false, 6, 34 + 16);
        assertEquals(0, ChecksumCompletion.complete(MemorySegment.ofArray(f), 0, f.length, 34, 16));
        assertEquals(c, RefFrames.u16(f, 34 + 16), "the checksum an independent sum gives");
        assertTrue(RefFrames.l4Valid(f, 14, 34, false, 6));
    }

    @Test
    void shouldCompleteUdpChecksumOverIpv6WithOddLengthAndVlan() {
        byte[] f = RefFrames.frame(true, true, false, 0, 0, RefFrames.payload(333, 9));
        int l4 = 18 + 40;
        partial(f, 18, l4, true, 17, l4 + 6);
        byte[] before = f.clone();
        assertEquals(0, ChecksumCompletion.complete(MemorySegment.ofArray(f), 0, f.length, l4, 6));
        assertTrue(RefFrames.l4Valid(f, 18, l4, true, 17));
        before[l4 + 6] = f[l4 + 6];
        before[l4 + 7] = f[l4 + 7];
        assertArrayEquals(before, f, "only the checksum field changed");
    }

    @Test
    void shouldRefuseOffsetsOutsideTheFrameOrOdd() {
        byte[] f = RefFrames.frame(false, false, true, 5, 0, RefFrames.payload(10, 1));
        MemorySegment s = MemorySegment.ofArray(f);
        byte[] before = f.clone();
        assertEquals(OffloadHeader.BAD_OFFLOAD, ChecksumCompletion.complete(s, 0, f.length, f.length, 0));
        assertEquals(OffloadHeader.BAD_OFFLOAD, ChecksumCompletion.complete(s, 0, f.length, 34, f.length - 35));
        assertEquals(OffloadHeader.BAD_OFFLOAD, ChecksumCompletion.complete(s, 0, f.length, 0xFFFF, 0xFFFF));
        assertEquals(OffloadHeader.BAD_OFFLOAD, ChecksumCompletion.complete(s, 0, f.length, 34, 15));
        assertArrayEquals(before, f, "nothing written");
    }
}
