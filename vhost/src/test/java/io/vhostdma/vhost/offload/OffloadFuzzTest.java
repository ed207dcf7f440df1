package io.vhostdma.vhost.offload;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target {@code offload}: a virtio-net header (the first 10 input bytes) and a frame (the rest) through
 * {@link ChecksumCompletion} and {@link GsoSegmenter}, as a guest's TX could send them.
 *
 * <p>Must hold: nothing throws (no out-of-bounds read or write); each call returns success or
 * {@link OffloadHeader#BAD_OFFLOAD}, and a refused checksum writes nothing; an accepted GSO frame becomes segments
 * of at most headers + gso_size bytes whose payloads, in order, are the frame's payload, each with a TCP/UDP
 * checksum that verifies independently ({@link RefFrames}).
 */
class OffloadFuzzTest {
    private static final GsoSegmenter GSO = new GsoSegmenter();
    private final OffloadHeader header = new OffloadHeader();

    @FuzzTest(maxDuration = "10s")
    void shouldSegmentOrRefuseWhenGuestSendsAnyOffloadHeader(byte[] input) {
        if (input.length < 10) {
            return;
        }
        header.read(MemorySegment.ofArray(input), 0);
        byte[] frame = java.util.Arrays.copyOfRange(input, 10, input.length);
        byte[] before = frame.clone();
        int rc = ChecksumCompletion.complete(MemorySegment.ofArray(frame), 0, frame.length, header.csumStart(),
                header.csumOffset());
        expect(rc == 0 || (rc == OffloadHeader.BAD_OFFLOAD && java.util.Arrays.equals(before, frame)), "checksum");
        FrameLayout layout = new FrameLayout();
        boolean parsed = layout.parse(MemorySegment.ofArray(frame), 0, frame.length);
        int[] seen = {0};
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        int n = GSO.segment(MemorySegment.ofArray(frame), 0, frame.length, header, (s, len) -> {
            byte[] seg = s.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            expect(len <= layout.headers + header.gsoSize(), "segment size");
            int proto = layout.proto;
            expect(RefFrames.l4Valid(seg, layout.l3, layout.l4, layout.ipv6, proto), "segment checksum");
            payload.writeBytes(java.util.Arrays.copyOfRange(seg, layout.headers, len));
            seen[0]++;
        });
        if (n == OffloadHeader.BAD_OFFLOAD) {
            expect(seen[0] == 0, "nothing emitted when refused");
            return;
        }
        expect(parsed && n == seen[0] && n >= 1, "segment count");
        expect(java.util.Arrays.equals(payload.toByteArray(),
                java.util.Arrays.copyOfRange(frame, layout.headers, frame.length)), "payload in order");
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("offload contract broken: " + what);
        }
    }
}
