package io.vhostdma.vhost.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front end as the listening side: DPDK's vhost PMD in client mode connects to us. */
class DpdkClientModeTest {
    @TempDir
    Path dir;

    @Test
    void shouldCarryFramesWhenBackendConnectsToOurListeningSockets() throws Exception {
        String reason = DpdkTestpmd.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED DpdkClientModeTest: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        try (DpdkTestpmd testpmd = DpdkTestpmd.start(dir, 1, true)) {
            testpmd.startForwarding();
            FrontendOptions.Builder base = FrontendOptions.builder(dir.resolve("a.sock")).listen(true)
                    .memorySize(8L << 20).timeoutMillis(15_000);
            try (VhostUserFrontend a = VhostUserFrontend.connect(base.build());
                    VhostUserFrontend b = VhostUserFrontend.connect(FrontendOptions.builder(dir.resolve("b.sock"))
                            .listen(true).memorySize(8L << 20).timeoutMillis(15_000).build())) {
                FrameTraffic.awaitPath(a, b, 0);
                long before = b.counters(0).rxPackets();
                int late = FrameTraffic.exchange(a, b, 0, 500, 60, 1514, 11);
                assertEquals(before + 500 + late, b.counters(0).rxPackets());
            }
        }
    }
}
