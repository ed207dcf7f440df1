package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.config.DpdkConfig;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaStats;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with {@code engine: dpdk} devices on DPDK's skeleton dmadevs (this JVM runs the EAL: the
 * {@code dpdk-forked} surefire execution gives each Dpdk*Test class a JVM of its own). Two Java front
 * ends in one group, every queue bound to a dmadev of its own (a skeleton dmadev has one vchan): frames
 * cross byte-exact when the guest memory is sealed; unsealed memory takes the CPU path, counted; a frame
 * from an unsealed guest to a sealed one goes through a host buffer; an unknown dmadev is a config error.
 */
class DpdkDataPathTest {
    private static final int FRAMES = 600;
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final List<String> EAL = List.of("--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
            "--no-shconf", "--vdev=dma_skeleton0", "--vdev=dma_skeleton1", "--vdev=dma_skeleton2",
            "--vdev=dma_skeleton3");
    @TempDir
    Path dir;

    @BeforeAll
    static void dpdkInstalled() {
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/librte_dmadev.so.23"))) {
            System.out.println("SKIPPED: dpdk engine: DPDK 22.11 (librte_dmadev.so.23) is not installed");
            Assumptions.abort("DPDK 22.11 is not installed");
        }
    }

    /** Ports a and b in one group; a's rxq/txq on d0/d1, b's on d2/d3 (one skeleton dmadev each). */
    private DaemonFixture start() {
        return DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .dpdkDevice("d0", "dma_skeleton0", 1, 1024).dpdkDevice("d1", "dma_skeleton1", 1, 1024)
                .dpdkDevice("d2", "dma_skeleton2", 1, 1024).dpdkDevice("d3", "dma_skeleton3", 1, 1024)
                .dpdk(new DpdkConfig(EAL, DpdkConfig.UnsealedMemory.CPU))
                .bind("a", "rxq0", "d0", 0).bind("a", "txq0", "d1", 0)
                .bind("b", "rxq0", "d2", 0).bind("b", "txq0", "d3", 0)
                .group("tenant", AsyncDataPathTest.TOKEN, "a", "b").start();
    }

    private static UnaryOperator<FrontendOptions.Builder> memory(boolean sealed) {
        return o -> o.rxBufferSize(1024).txBufferSize(9216).sealedMemory(sealed);
    }

    private static Flow[] exchange(VhostUserFrontend a, VhostUserFrontend b) {
        Flow ab = new Flow(a, b, 0, B, A, Frames.sizes(FRAMES, 31, 60, 9000), 300);
        Flow ba = new Flow(b, a, 0, A, B, Frames.sizes(FRAMES, 41, 60, 9000), 400);
        Flow.run(new ArrayList<>(List.of(ab, ba)), 60_000); // every frame checked byte for byte, in order
        return new Flow[] {ab, ba};
    }

    @Test
    void shouldMoveFramesByteExactThroughDmadevsWhenGuestMemoryIsSealed() {
        DaemonFixture d = start();
        try (d) {
            Flow[] f = exchange(d.connect("a", memory(true)), d.connect("b", memory(true)));
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.rx(0).packets() == FRAMES && cb.rx(0).packets() == FRAMES, "rx counters");
            assertEquals(0, ca.snapshot().totalDrops() + cb.snapshot().totalDrops(), "drops");
            assertEquals(0, ca.rx(0).dmaUnsealedFallbacks() + cb.rx(0).dmaUnsealedFallbacks(), "no fallback");
            int ha = d.vhostd().dma().domain("a").handle();
            int hb = d.vhostd().dma().domain("b").handle();
            DmaStats rxA = device(d, "d0").channel(0).stats();
            DmaStats rxB = device(d, "d2").channel(0).stats();
            assertEquals(f[0].bytes(), rxB.bytes(ha, hb), "a→b guest to guest on b's rxq dmadev");
            assertEquals(f[1].bytes(), rxA.bytes(hb, ha), "b→a guest to guest on a's rxq dmadev");
            assertTrue(rxB.engineCounter("dpdk.completed") >= FRAMES, "DPDK completed copies: " + rxB.engine());
            assertEquals(rxB.completed(), rxB.engineCounter("dpdk.completed"), "DPDK's count = the layer's");
        }
        String fin = d.output().lines().filter(l -> l.startsWith("final dma channel=d2/0 ")).findFirst().orElse("");
        assertTrue(fin.contains(" dpdk.completed="), "final lines carry DPDK's counters: " + d.output());
    }

    @Test
    void shouldTakeTheCpuPathAndCountItWhenGuestMemoryIsNotSealed() {
        try (DaemonFixture d = start()) {
            exchange(d.connect("a", memory(false)), d.connect("b", memory(false)));
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.rx(0).packets() == FRAMES && cb.rx(0).packets() == FRAMES, "rx counters");
            for (PortCounters c : List.of(ca, cb)) {
                assertEquals(1, c.rx(0).dmaUnsealedFallbacks(), c.port() + " rxq0 fell back once");
                assertEquals(1, c.tx(0).dmaUnsealedFallbacks(), c.port() + " txq0 fell back once");
                assertEquals(0, c.rx(0).dmaSubmitted() + c.tx(0).dmaSubmitted(), c.port() + " copies on a dmadev");
                assertTrue(c.snapshot().fields().contains("dma_unsealed_fallback=2"), c.snapshot().fields());
                assertEquals(null, c.rx(0).channel(), "the queue shows CPU copies");
            }
            for (String dev : List.of("d0", "d1", "d2", "d3")) {
                assertEquals(0, device(d, dev).channel(0).stats().submitted(), dev + " submitted");
            }
        }
    }

    @Test
    void shouldBounceThroughHostMemoryWhenOnlyTheReceiverIsSealed() {
        try (DaemonFixture d = start()) {
            Flow[] f = exchange(d.connect("a", memory(true)), d.connect("b", memory(false)));
            PortCounters ca = d.counters("a");
            DaemonFixture.awaitUntil(() -> ca.rx(0).packets() == FRAMES, "rx counters");
            int ha = d.vhostd().dma().domain("a").handle();
            int hb = d.vhostd().dma().domain("b").handle();
            DmaStats rxA = device(d, "d0").channel(0).stats();
            assertEquals(0, rxA.bytes(hb, ha), "the dmadev never read the unsealed guest's memory");
            assertEquals(f[1].bytes(), rxA.bytes(0, ha), "b→a through a host buffer, then host→a on the dmadev");
            assertEquals(0, ca.snapshot().totalDrops() + d.counters("b").snapshot().totalDrops(), "drops");
        }
    }

    @Test
    void shouldExitWithConfigErrorNamingTheDmadevsWhenTheConfiguredOneIsUnknown() throws Exception {
        Path config = dir.resolve("vhostd.yaml");
        Files.writeString(config, "ports:\n  - { name: a, socket: " + dir.resolve("a.sock") + " }\n"
                + "dma:\n  - { name: d0, engine: dpdk, channels: 1, dpdk-device: dma_skeleton9 }\n"
                + "runtime-dir: " + dir + "\nmanagement: { metrics: \"127.0.0.1:0\" }\n"
                + "dpdk:\n  eal-args: [" + String.join(", ", EAL.stream().map(a -> "\"" + a + "\"").toList()) + "]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("dma[0].dpdk-device: ENOENT: no such dmadev: dpdk-device=dma_skeleton9")
                && text.contains("dma_skeleton0, dma_skeleton1"), text);
        assertTrue(Arrays.stream(text.split("\n")).anyMatch(l -> l.equals("vhostd: 1 config problem(s); nothing was started")),
                text);
        assertTrue(!Files.exists(dir.resolve("a.sock")), "no socket was touched");
    }

    private static DmaDevice device(DaemonFixture d, String name) {
        return d.vhostd().dma().devices().get(name);
    }
}
