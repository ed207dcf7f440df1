package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reference model of an accepted SET_MEM_TABLE for {@link MemoryTableFuzzTest}: the regions as
 * the front end wrote them, searched one by one, and the byte each address must show (memfd
 * {@code i} holds {@link MemoryTableFuzzTest#pattern} at every file offset).
 */
final class TranslationModel {
    private final long[] gpa;
    private final long[] size;
    private final long[] uva;
    private final long[] mmapOffset;

    private TranslationModel(int n) {
        gpa = new long[n];
        size = new long[n];
        uva = new long[n];
        mmapOffset = new long[n];
    }

    /** The model of the first {@code n} regions of {@code payload}. */
    static TranslationModel of(byte[] payload, int n) {
        TranslationModel m = new TranslationModel(n);
        ByteBuffer p = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int at = MemoryRegionLayout.TABLE_HEADER_BYTES + i * MemoryRegionLayout.BYTES;
            m.gpa[i] = p.getLong(at + (int) MemoryRegionLayout.GPA);
            m.size[i] = p.getLong(at + (int) MemoryRegionLayout.SIZE);
            m.uva[i] = p.getLong(at + (int) MemoryRegionLayout.UVA);
            m.mmapOffset[i] = p.getLong(at + (int) MemoryRegionLayout.MMAP_OFFSET);
        }
        return m;
    }

    /** Looks {@code addr} up as a GPA and as a UVA in {@code memory}; throws where it and the model differ. */
    void check(GuestMemory memory, long addr, int len, int hint) {
        int g = find(gpa, addr);
        int found = memory.regionOfGpa(addr, hint);
        expect(found == g, "regionOfGpa", addr, g, found);
        if (g >= 0) {
            long off = addr - gpa[g];
            expect(memory.bytesToRegionEnd(g, addr) == size[g] - off, "bytesToRegionEnd", addr, g, found);
            expectByte(memory.segment(g), off, g, "gpa", addr);
        }
        int u = find(uva, addr);
        int foundUva = memory.regionOfUva(addr);
        expect(foundUva == u, "regionOfUva", addr, u, foundUva);
        MemorySegment slice = memory.uvaSlice(addr, len);
        boolean fits = u >= 0 && len > 0 && len <= size[u] - (addr - uva[u]);
        expect(fits == (slice != null), "uvaSlice bounds (len=" + len + ")", addr, u, foundUva);
        if (slice != null) {
            expect(slice.byteSize() == len, "uvaSlice length", addr, u, foundUva);
            long off = addr - uva[u];
            expectByte(slice, 0, u, off, "uva first byte", addr);
            expectByte(slice, len - 1, u, off + len - 1, "uva last byte", addr);
        }
    }

    private int find(long[] base, long addr) {
        for (int i = 0; i < base.length; i++) {
            if (Long.compareUnsigned(addr - base[i], size[i]) < 0) {
                return i;
            }
        }
        return -1;
    }

    private void expectByte(MemorySegment region, long off, int r, String what, long addr) {
        expectByte(region, off, r, off, what, addr);
    }

    /** Byte {@code at} of {@code s} must be the byte at {@code regionOff} of region {@code r}'s file range. */
    private void expectByte(MemorySegment s, long at, int r, long regionOff, String what, long addr) {
        long file = mmapOffset[r] + regionOff;
        byte want = (byte) (MemoryTableFuzzTest.pattern(r, file & ~7L) >>> (8 * (file & 7)));
        byte got = s.get(ValueLayout.JAVA_BYTE, at);
        if (got != want) {
            throw new AssertionError("translation reads the wrong byte: " + what + " addr=0x" + Long.toHexString(addr)
                    + " region=" + r + " file-offset=0x" + Long.toHexString(file) + " want=" + want + " got=" + got);
        }
    }

    private static void expect(boolean ok, String what, long addr, int model, int found) {
        if (!ok) {
            throw new AssertionError(what + " differs from the model: addr=0x" + Long.toHexString(addr)
                    + " model-region=" + model + " found-region=" + found);
        }
    }
}
