package io.vhostdma.vhost.offload;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetHeaderLayout;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The offload fields of a virtio-net header ({@code struct virtio_net_hdr}, little-endian), read once into fields:
 * {@code flags} (NEEDS_CSUM 1, DATA_VALID 2), {@code gso_type} (NONE 0, TCPV4 1, UDP 3, TCPV6 4, UDP_L4 5, |ECN
 * 0x80), {@code hdr_len}, {@code gso_size}, {@code csum_start}, {@code csum_offset}. Mutable and reused.
 *
 * <p>On the data path: read from a guest TX chain ({@link #read(GatherList)}), checked against the frame and the
 * sender's negotiated features ({@link #validate}), carried with the frame, and for each receiver either written
 * into its RX header as it is or done in software ({@link #rxWork}).
 */
public final class OffloadHeader {
    /** flags: the checksum from csum_start on must be completed. */
    public static final int F_NEEDS_CSUM = 1;
    /** flags: the checksum was validated. */
    public static final int F_DATA_VALID = 2;
    /** gso_type values. */
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;
    /** The result of an offload on a malformed header or frame (the data path's {@code tx_bad_offload}). */
    public static final int BAD_OFFLOAD = -50;

    /** {@link #rxWork}: the header goes into the receiver's RX header as it is (nothing to do, or it negotiated it). */
    public static final int RX_AS_IS = 0;
    /** {@link #rxWork}: complete the checksum in software; the receiver gets a plain header. */
    public static final int RX_COMPLETE_CSUM = 1;
    /** {@link #rxWork}: segment the GSO frame in software; each segment gets a plain header. */
    public static final int RX_SEGMENT = 2;

    /** The header bytes holding the six fields (num_buffers excluded). */
    private static final int FIELD_BYTES = NetHeaderLayout.NUM_BUFFERS;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private int flags;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;

    /** Reads the six fields of the header at {@code hdr[off..]} (each once). */
    public OffloadHeader read(MemorySegment hdr, long off) {
        flags = hdr.get(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.FLAGS) & 0xFF;
        gsoType = hdr.get(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.GSO_TYPE) & 0xFF;
        hdrLen = hdr.get(LE16, off + NetHeaderLayout.HDR_LEN) & 0xFFFF;
        gsoSize = hdr.get(LE16, off + NetHeaderLayout.GSO_SIZE) & 0xFFFF;
        csumStart = hdr.get(LE16, off + NetHeaderLayout.CSUM_START) & 0xFFFF;
        csumOffset = hdr.get(LE16, off + NetHeaderLayout.CSUM_OFFSET) & 0xFFFF;
        return this;
    }

    /**
     * Reads the six fields from the start of {@code chain}, the readable buffers of a guest TX chain (the header
     * may be split across descriptors; each byte is read once). The caller checked that the chain holds the
     * header.
     */
    public OffloadHeader read(GatherList chain) {
        if (chain.count() > 0 && chain.length(0) >= FIELD_BYTES) {
            return read(chain.segment(0), chain.offset(0));
        }
        long lo = 0; // bytes 0..7, little-endian
        int hi = 0; // bytes 8..9
        int pos = 0;
        for (int i = 0; i < chain.count() && pos < FIELD_BYTES; i++) {
            MemorySegment seg = chain.segment(i);
            long off = chain.offset(i);
            for (int j = 0; j < chain.length(i) && pos < FIELD_BYTES; j++, pos++) {
                long b = seg.get(ValueLayout.JAVA_BYTE, off + j) & 0xFFL;
                if (pos < 8) {
                    lo |= b << (8 * pos);
                } else {
                    hi |= (int) b << (8 * (pos - 8));
                }
            }
        }
        return set((int) (lo & 0xFF), (int) ((lo >>> 8) & 0xFF), (int) ((lo >>> 16) & 0xFFFF),
                (int) ((lo >>> 32) & 0xFFFF), (int) ((lo >>> 48) & 0xFFFF), hi & 0xFFFF);
    }

    /**
     * Checks the header a guest sent with a frame of {@code frameLen} bytes against the features it negotiated
     * ({@code negotiated}) and normalises it: flags other than NEEDS_CSUM are dropped (DATA_VALID means nothing
     * on TX); without NEEDS_CSUM the checksum fields are cleared, without a GSO type the GSO fields.
     *
     * @return 0, or {@link #BAD_OFFLOAD}: NEEDS_CSUM without CSUM negotiated or with {@code csum_start +
     *         csum_offset + 2} past the frame (or an odd offset); a GSO type other than TCPV4/TCPV6 (| ECN), or one
     *         the sender did not negotiate (HOST_TSO4/6, HOST_ECN); a GSO frame without NEEDS_CSUM, with gso_size 0
     *         or with hdr_len past the frame
     */
    public int validate(int frameLen, long negotiated) {
        boolean csum = needsChecksum();
        flags &= F_NEEDS_CSUM;
        if (csum) {
            long field = (long) csumStart + csumOffset;
            if (!VirtioNetFeatures.has(negotiated, VirtioNetFeatures.CSUM) || field + 2 > frameLen
                    || (csumOffset & 1) != 0) {
                return BAD_OFFLOAD;
            }
        } else {
            csumStart = 0;
            csumOffset = 0;
        }
        int kind = gsoKind();
        if (kind == GSO_NONE) {
            if ((gsoType & GSO_ECN) != 0) {
                return BAD_OFFLOAD;
            }
            hdrLen = 0;
            gsoSize = 0;
            return 0;
        }
        long needed = switch (kind) {
            case GSO_TCPV4 -> VirtioNetFeatures.HOST_TSO4;
            case GSO_TCPV6 -> VirtioNetFeatures.HOST_TSO6;
            default -> -1L; // UFO and USO are not offered
        };
        if (needed == -1L || !VirtioNetFeatures.has(negotiated, needed)
                || ((gsoType & GSO_ECN) != 0 && !VirtioNetFeatures.has(negotiated, VirtioNetFeatures.HOST_ECN))) {
            return BAD_OFFLOAD;
        }
        return !csum || gsoSize == 0 || hdrLen > frameLen ? BAD_OFFLOAD : 0;
    }

    /**
     * What a receiver that negotiated {@code rxFeatures} needs done to a frame with this (validated) header:
     * {@link #RX_AS_IS}, {@link #RX_COMPLETE_CSUM} (NEEDS_CSUM without GUEST_CSUM) or {@link #RX_SEGMENT} (a GSO
     * frame without GUEST_CSUM and the matching GUEST_TSO4/6, plus GUEST_ECN for an ECN frame).
     */
    public int rxWork(long rxFeatures) {
        int kind = gsoKind();
        if (kind != GSO_NONE) {
            long need = VirtioNetFeatures.GUEST_CSUM
                    | (kind == GSO_TCPV4 ? VirtioNetFeatures.GUEST_TSO4 : VirtioNetFeatures.GUEST_TSO6)
                    | ((gsoType & GSO_ECN) != 0 ? VirtioNetFeatures.GUEST_ECN : 0L);
            return VirtioNetFeatures.has(rxFeatures, need) ? RX_AS_IS : RX_SEGMENT;
        }
        if (needsChecksum()) {
            return VirtioNetFeatures.has(rxFeatures, VirtioNetFeatures.GUEST_CSUM) ? RX_AS_IS : RX_COMPLETE_CSUM;
        }
        return RX_AS_IS;
    }

    /** Clears every field (a frame with nothing to offload). */
    public OffloadHeader clear() {
        return set(0, 0, 0, 0, 0, 0);
    }

    /** Copies {@code o}'s fields. */
    public OffloadHeader copyFrom(OffloadHeader o) {
        return set(o.flags, o.gsoType, o.hdrLen, o.gsoSize, o.csumStart, o.csumOffset);
    }

    /** Whether there is nothing to offload (no flags, no GSO type). */
    public boolean plain() {
        return flags == 0 && gsoType == 0;
    }

    /** Sets the fields directly. */
    public OffloadHeader set(int newFlags, int newGsoType, int newHdrLen, int newGsoSize, int newCsumStart,
            int newCsumOffset) {
        flags = newFlags;
        gsoType = newGsoType;
        hdrLen = newHdrLen;
        gsoSize = newGsoSize;
        csumStart = newCsumStart;
        csumOffset = newCsumOffset;
        return this;
    }

    /** Writes the six fields at {@code hdr[off..]} (num_buffers, at offset 10, is not touched). */
    public void write(MemorySegment hdr, long off) {
        hdr.set(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.FLAGS, (byte) flags);
        hdr.set(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.GSO_TYPE, (byte) gsoType);
        hdr.set(LE16, off + NetHeaderLayout.HDR_LEN, (short) hdrLen);
        hdr.set(LE16, off + NetHeaderLayout.GSO_SIZE, (short) gsoSize);
        hdr.set(LE16, off + NetHeaderLayout.CSUM_START, (short) csumStart);
        hdr.set(LE16, off + NetHeaderLayout.CSUM_OFFSET, (short) csumOffset);
    }

    public int flags() {
        return flags;
    }

    public int gsoType() {
        return gsoType;
    }

    /** gso_type without the ECN bit. */
    public int gsoKind() {
        return gsoType & ~GSO_ECN;
    }

    public int hdrLen() {
        return hdrLen;
    }

    public int gsoSize() {
        return gsoSize;
    }

    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }

    public boolean needsChecksum() {
        return (flags & F_NEEDS_CSUM) != 0;
    }
}
