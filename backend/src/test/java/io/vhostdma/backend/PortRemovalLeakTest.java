package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.dataplane.Injector;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.vhost.internal.sys.Fds;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AddPort/RemovePort cycles leave nothing behind: each removed port's send ring is unregistered and freed. */
class PortRemovalLeakTest {
    @TempDir
    Path dir;

    @Test
    void shouldFreeAndUnregisterTheSendRingWhenPortsAreAddedAndRemoved() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).dma("dma0", "cpu", 2, 256, 0, 0).start()) {
            Management m = d.vhostd().management();
            cycle(d, m, "warm");
            int registrations = d.vhostd().dma().hostRegistrations();
            int fds = Fds.openCount();
            List<MemorySegment> rings = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                rings.add(cycle(d, m, "p" + i));
            }
            assertEquals(registrations, d.vhostd().dma().hostRegistrations(), "send rings unregistered");
            for (MemorySegment ring : rings) {
                assertFalse(ring.scope().isAlive(), "the 2.5 MiB send ring of a removed port is freed");
            }
            DaemonFixture.awaitUntil(() -> Fds.openCount() == fds, "open fds back to " + fds);
        }
    }

    /** Adds port {@code name}, connects a front end, removes the port; returns its send ring's memory. */
    private static MemorySegment cycle(DaemonFixture d, Management m, String name) throws Exception {
        m.addPort(new PortConfig(name, d.socket(name), PortMode.SERVER, 1, 0600)).toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
        PortState port = d.port(name);
        Injector in = port.injector();
        MemorySegment ring = in.memory();
        var fe = d.connect(name);
        m.removePort(name).toCompletableFuture().get(15, TimeUnit.SECONDS);
        d.forget(fe); // vhostd closed its connection
        assertNull(port.injector(), "the removed port has no send ring");
        assertEquals(0, in.room() - Injector.SLOTS, "a late sender finds every frame dropped, never blocked");
        return ring;
    }
}
