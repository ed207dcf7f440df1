package io.vhostdma.vhost.offload;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target {@code offload}: a virtio-net header (the first 10 input bytes) and a frame (the rest) through the
 * data path's TX parse + validate ({@link OffloadHeader#read(GatherList)} with the header split across two
 * descriptors at a point the input's length picks, {@link OffloadHeader#validate} against the sender's features),
 * then {@link ChecksumCompletion} and {@link GsoSegmenter}, as a guest's TX could send them.
 *
 * <p>Parse + validate must hold: the split read gives the same fields as a contiguous read; a header that passes
 * validation has its checksum field inside the frame (completion succeeds) and, with a GSO type, a non-zero
 * gso_size, NEEDS_CSUM and hdr_len inside the frame.
 *
 * <p>Must hold: nothing throws (no out-of-bounds read or write); each call returns success or
 * {@link OffloadHeader#BAD_OFFLOAD}, and a refused checksum writes nothing; an accepted GSO frame becomes segments
 * of at most headers + gso_size bytes whose payloads, in order, are the frame's payload, each with a TCP/UDP
 * checksum that verifies independently ({@link RefFrames}).
 */
class OffloadFuzzTest {
    private static final GsoSegmenter GSO = new GsoSegmenter();
    private final OffloadHeader header = new OffloadHeader();
    private final OffloadHeader parsed = new OffloadHeader();
    private final GatherList chain = new GatherList(3);

    @FuzzTest(maxDuration = "10s")
    void shouldSegmentOrRefuseWhenGuestSendsAnyOffloadHeader(byte[] input) {
        if (input.length < 10) {
            return;
        }
        header.read(MemorySegment.ofArray(input), 0);
        byte[] frame = java.util.Arrays.copyOfRange(input, 10, input.length);
        parseAndValidate(input, frame);
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

    /** The TX side: the header read from two descriptors, then validated (see the class comment). */
    private void parseAndValidate(byte[] input, byte[] frame) {
        int split = 1 + input.length % 10;
        chain.clear();
        chain.add(MemorySegment.ofArray(input), 0, split);
        chain.add(MemorySegment.ofArray(input), split, input.length - split);
        parsed.read(chain);
        expect(parsed.flags() == header.flags() && parsed.gsoType() == header.gsoType()
                && parsed.hdrLen() == header.hdrLen() && parsed.gsoSize() == header.gsoSize()
                && parsed.csumStart() == header.csumStart() && parsed.csumOffset() == header.csumOffset(), "split read");
        long features = (input.length & 16) == 0 ? VirtioNetFeatures.OFFLOADS : VirtioNetFeatures.CSUM;
        if (parsed.validate(frame.length, features) != 0) {
            return;
        }
        if (parsed.needsChecksum()) {
            byte[] copy = frame.clone();
            expect(ChecksumCompletion.complete(MemorySegment.ofArray(copy), 0, copy.length, parsed.csumStart(),
                    parsed.csumOffset()) == 0, "a validated checksum field is inside the frame");
        }
        if (parsed.gsoKind() != OffloadHeader.GSO_NONE) {
            expect(parsed.gsoSize() > 0 && parsed.needsChecksum() && parsed.hdrLen() <= frame.length,
                    "a validated GSO header");
            expect(parsed.rxWork(0L) == OffloadHeader.RX_SEGMENT, "a receiver without offloads gets segments");
        }
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("offload contract broken: " + what);
        }
    }
}
