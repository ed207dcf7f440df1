package io.vhostdma.backend.ctl;

import static io.vhostdma.backend.ctl.PcapLayout.u16;
import static io.vhostdma.backend.ctl.PcapLayout.u32;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;

/**
 * Writes Ethernet frames as a classic pcap file ({@link PcapLayout}), link type Ethernet, microsecond timestamps.
 * Hand-written: the format is two fixed headers, and the Java pcap libraries wrap the native libpcap (JNA/JNI)
 * for live capture, which a file writer does not need. Not thread-safe.
 */
final class PcapWriter implements AutoCloseable {
    private final OutputStream out;
    private final int snapLength;
    private final byte[] header = new byte[(int) PcapLayout.RECORD_HEADER.byteSize()];
    private final MemorySegment headerView = MemorySegment.ofArray(header);
    private long frames;

    /** Writes the file header to {@code out}, which the writer owns from now on. */
    PcapWriter(OutputStream out, int snapLength) throws IOException {
        this.out = out;
        this.snapLength = snapLength;
        byte[] file = new byte[(int) PcapLayout.FILE_HEADER.byteSize()];
        MemorySegment f = MemorySegment.ofArray(file);
        f.set(u32(), PcapLayout.MAGIC, PcapLayout.MAGIC_MICROSECONDS);
        f.set(u16(), PcapLayout.MAJOR, PcapLayout.VERSION_MAJOR);
        f.set(u16(), PcapLayout.MINOR, PcapLayout.VERSION_MINOR);
        f.set(u32(), PcapLayout.SNAPLEN, snapLength);
        f.set(u32(), PcapLayout.LINKTYPE, PcapLayout.LINKTYPE_ETHERNET);
        out.write(file);
    }

    /**
     * Appends one frame: {@code data} holds its first bytes (at most the snap length are kept), {@code originalLength}
     * its length on the wire, {@code epochNanos} when it was seen.
     */
    void write(long epochNanos, int originalLength, byte[] data) throws IOException {
        int captured = Math.min(data.length, snapLength);
        headerView.set(u32(), PcapLayout.SECONDS, (int) Math.floorDiv(epochNanos, 1_000_000_000L));
        headerView.set(u32(), PcapLayout.MICROS, (int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1_000));
        headerView.set(u32(), PcapLayout.CAPTURED, captured);
        headerView.set(u32(), PcapLayout.ORIGINAL, Math.max(originalLength, captured));
        out.write(header);
        out.write(data, 0, captured);
        frames++;
    }

    /** Frames written so far. */
    long frames() {
        return frames;
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
