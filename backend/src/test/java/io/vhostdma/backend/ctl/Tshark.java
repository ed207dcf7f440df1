package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Debian's tshark (interop/install-peers.sh installs it as root), run on a pcap file by the tests. */
public final class Tshark {
    private static final Path TSHARK = Path.of("/usr/bin/tshark");

    private Tshark() {
    }

    /** Whether tshark is installed; when it is not, a test prints {@code SKIPPED: reason} instead. */
    public static boolean installed() {
        return Files.isExecutable(TSHARK);
    }

    /** tshark's fields of each packet, one row per packet. */
    public static List<String[]> fields(Path file, String... names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString(), "-T", "fields"));
        for (String n : names) {
            cmd.add("-e");
            cmd.add(n);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", file.getParent().toString()); // tshark reads (and may write) its profile there
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "tshark failed: " + err);
        return out.lines().map(l -> l.split("\t", -1)).toList();
    }

    /** A frame's bytes from tshark's {@code eth.dst, eth.src, eth.type, data.data} fields. */
    public static byte[] frameBytes(String dst, String src, String type, String data) {
        String all = dst.replace(":", "") + src.replace(":", "") + type.replace("0x", "") + data.replace(":", "");
        return HexFormat.of().parseHex(all);
    }
}
