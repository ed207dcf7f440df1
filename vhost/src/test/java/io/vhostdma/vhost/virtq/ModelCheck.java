package io.vhostdma.vhost.virtq;

import java.util.List;

/**
 * The comparisons the ring fuzz targets ({@link SplitRingFuzzTest}, {@link PackedRingFuzzTest}) make between
 * what a virtqueue did and what its reference model predicted; a difference is an {@link AssertionError} that
 * names the field and the value the ring produced.
 */
final class ModelCheck {
    private ModelCheck() {
    }

    /** The popped {@code chain} has the predicted id, pieces (guest addresses, lengths, direction) and counts. */
    static void expectChain(FuzzGuestMemory memory, DescriptorChain chain, ModelChain.Pop want) {
        List<ModelChain.Piece> pieces = want.pieces();
        expect(chain.head() == want.rc() && chain.buffers().count() == pieces.size(), "chain shape", chain.buffers().count());
        expect(chain.readableBytes() == want.readable() && chain.writableBytes() == want.writable(),
                "chain bytes", (int) chain.readableBytes());
        expect(chain.descriptorCount() == want.descriptors(), "descriptor count", chain.descriptorCount());
        for (int i = 0; i < pieces.size(); i++) {
            ModelChain.Piece p = pieces.get(i);
            int r = memory.regionOf(chain.buffers().segment(i));
            expect(r >= 0 && FuzzGuestMemory.GPA[r] + chain.buffers().offset(i) == p.gpa() && chain.buffers().length(i) == p.len()
                    && chain.writable(i) == p.writable(), "segment " + i + " (model gpa=0x"
                    + Long.toHexString(p.gpa()) + " len=" + p.len() + " writable=" + p.writable() + ")", r);
            expect(chain.buffers().offset(i) + chain.buffers().length(i) <= chain.buffers().segment(i).byteSize(),
                    "segment bounds " + i, i);
        }
    }

    /** Whether the models place {@code bytes} at UVA {@code uva}: aligned and inside one region. */
    static boolean fits(long uva, long bytes, int align) {
        int r = FuzzGuestMemory.regionOfUva(uva);
        return (uva & (align - 1)) == 0 && r >= 0 && uva - FuzzGuestMemory.UVA[r] + bytes <= FuzzGuestMemory.REGION;
    }

    static void expect(boolean ok, String what, long got) {
        if (!ok) {
            throw new AssertionError(what + " differs from the model: got=" + got);
        }
    }
}
