package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pcap file vhostctl writes, read back by a parser written here from the format's description (not from
 * {@link PcapLayout}) and by Debian's tshark: the file header, every record's time, lengths and bytes, and a frame
 * longer than the snap length cut to it with its original length kept.
 */
class PcapWriterTest {
    @TempDir
    Path dir;

    /** One record as read back. */
    record Record(long seconds, long micros, int captured, int original, byte[] bytes) {
    }

    /** A parsed file: its header fields and records. */
    record Pcap(int magic, int major, int minor, int snaplen, int linktype, List<Record> records) {
    }

    /** Parses a little-endian classic pcap file. */
    static Pcap parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        int major = b.getShort();
        int minor = b.getShort();
        b.getInt(); // zone
        b.getInt(); // sigfigs
        int snaplen = b.getInt();
        int linktype = b.getInt();
        List<Record> records = new ArrayList<>();
        while (b.hasRemaining()) {
            long sec = Integer.toUnsignedLong(b.getInt());
            long usec = Integer.toUnsignedLong(b.getInt());
            int incl = b.getInt();
            int orig = b.getInt();
            byte[] data = new byte[incl];
            b.get(data);
            records.add(new Record(sec, usec, incl, orig, data));
        }
        return new Pcap(magic, major, minor, snaplen, linktype, records);
    }

    /** An Ethernet frame of {@code len} bytes with EtherType 0x88b5 (local experimental) and a random payload. */
    static byte[] frame(int len, int seed) {
        byte[] f = new byte[len];
        new Random(seed).nextBytes(f);
        f[0] = 0x02; // locally administered unicast destination
        f[6] = 0x02;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        return f;
    }

    @Test
    void shouldWriteClassicEthernetPcapWhenFramesAreAppended() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] a = frame(60, 1);
        byte[] b = frame(1514, 2);
        byte[] big = frame(200, 3);
        long t0 = 1_764_700_000_123_456_789L; // 2025-12-02T18:26:40.123456789Z
        try (PcapWriter w = new PcapWriter(out, 128)) {
            w.write(t0, a.length, a);
            w.write(t0 + 1_000, b.length, java.util.Arrays.copyOf(b, 128)); // vhostd sent the first 128 bytes
            w.write(t0 + 2_000_000_000L, big.length, big); // longer than the snap length: cut here
            assertEquals(3, w.frames());
        }
        Pcap p = parse(out.toByteArray());
        assertEquals(0xa1b2c3d4, p.magic(), "microsecond magic");
        assertEquals(2, p.major());
        assertEquals(4, p.minor());
        assertEquals(128, p.snaplen());
        assertEquals(1, p.linktype(), "LINKTYPE_ETHERNET");
        assertEquals(3, p.records().size());
        Record r0 = p.records().get(0);
        assertEquals(1_764_700_000L, r0.seconds());
        assertEquals(123_456L, r0.micros());
        assertEquals(60, r0.original());
        assertArrayEquals(a, r0.bytes());
        Record r1 = p.records().get(1);
        assertEquals(123_457L, r1.micros());
        assertEquals(128, r1.captured());
        assertEquals(1514, r1.original(), "the original length survives the cut");
        assertArrayEquals(java.util.Arrays.copyOf(b, 128), r1.bytes());
        Record r2 = p.records().get(2);
        assertEquals(1_764_700_002L, r2.seconds());
        assertEquals(128, r2.captured());
        assertEquals(200, r2.original());
        assertArrayEquals(java.util.Arrays.copyOf(big, 128), r2.bytes());
    }

    @Test
    void shouldBeReadByTsharkByteForByteWhenTsharkIsInstalled() throws Exception {
        if (!Tshark.installed()) {
            System.out.println("SKIPPED: pcap checked by tshark: tshark not installed (interop/install-peers.sh installs"
                    + " it as root)");
            return;
        }
        Path file = dir.resolve("t.pcap");
        List<byte[]> frames = List.of(frame(60, 10), frame(1514, 11), frame(9014, 12), frame(333, 13));
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 65_535)) {
            long t = 1_764_700_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(t += 1_000_000, f.length, f);
            }
        }
        List<String[]> rows = Tshark.fields(file, "frame.len", "frame.cap_len", "frame.time_epoch", "eth.dst",
                "eth.src", "eth.type", "data.data");
        assertEquals(frames.size(), rows.size());
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            String[] row = rows.get(i);
            assertEquals(String.valueOf(f.length), row[0]);
            assertEquals(String.valueOf(f.length), row[1]);
            assertEquals("1764700000.00" + (i + 1) + "000000", row[2]);
            assertArrayEquals(f, Tshark.frameBytes(row[3], row[4], row[5], row[6]), "frame " + i);
        }
    }
}
