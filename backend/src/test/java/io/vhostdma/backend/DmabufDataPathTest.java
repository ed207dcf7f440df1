package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.dma.DmaStats;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Udmabuf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dma-buf path end to end, where the kernel has {@code /dev/udmabuf} (skipped with the reason
 * elsewhere; interop scenario {@code dmabuf-kernel} runs it on Debian's 6.12 kernel under QEMU): two Java
 * front ends whose guest memory is a sealed memfd, vhostd turning each region into a udmabuf and
 * registering it with the DMA layer as a dma-buf, every queue bound, frames byte-exact guest to guest.
 */
class DmabufDataPathTest {
    private static final int FRAMES = 400;
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldMoveFramesByteExactOverBoundQueuesWhenGuestMemoryIsADmabuf() {
        if (!Udmabuf.available()) { // as the vhost module's UdmabufSupport: a skip with its reason, never a pass
            System.out.println("SKIPPED: udmabuf path: " + Udmabuf.unavailableReason());
            Assumptions.abort("udmabuf path: " + Udmabuf.unavailableReason());
        }
        DaemonFixture.Builder builder = AsyncDataPathTest.bindAll(DaemonFixture.builder(dir).port("a", 1).port("b", 1),
                "sw", 0).group("tenant", AsyncDataPathTest.TOKEN, "a", "b");
        try (DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a", o -> o.memorySize(16L << 20).rxBufferSize(1024).txBufferSize(9216)
                    .sealedMemory(true));
            VhostUserFrontend b = d.connect("b", o -> o.memorySize(16L << 20).rxBufferSize(1024).txBufferSize(9216)
                    .sealedMemory(true));
            Flow ab = new Flow(a, b, 0, B, A, Frames.sizes(FRAMES, 51, 10, 9000), 500);
            Flow ba = new Flow(b, a, 0, A, B, Frames.sizes(FRAMES, 61, 10, 9000), 600);
            Flow.run(new ArrayList<>(List.of(ab, ba)), 120_000); // every frame checked byte for byte, in order
            var dma = d.vhostd().dma();
            for (String port : List.of("a", "b")) {
                assertEquals("dmabuf", dma.memoryKind(port), port + "'s memory kind");
                List<Registration> regs = dma.layer().memory().registrations().stream()
                        .filter(r -> r.domain().equals(dma.domain(port))).toList();
                assertTrue(!regs.isEmpty() && regs.stream().allMatch(r -> r.isDmabuf() && r.dmabufFd() >= 0),
                        port + " registered as dma-bufs: " + regs);
            }
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.rx(0).packets() == FRAMES && cb.rx(0).packets() == FRAMES, "rx counters");
            assertEquals(0, ca.snapshot().totalDrops() + cb.snapshot().totalDrops(), "drops");
            int ha = dma.domain("a").handle();
            int hb = dma.domain("b").handle();
            DmaStats rxB = dma.devices().get("dma0").channel(2).stats();
            assertEquals(ab.bytes(), rxB.bytes(ha, hb), "a→b guest to guest on b's rxq channel, dma-buf to dma-buf");
            assertEquals(0, ca.rx(0).dmaErrors() + cb.rx(0).dmaErrors(), "copy errors");
        }
    }
}
