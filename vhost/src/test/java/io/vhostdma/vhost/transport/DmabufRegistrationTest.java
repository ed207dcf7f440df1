package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.await;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Udmabuf;
import io.vhostdma.vhost.internal.sys.UdmabufSupport;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The registration kind of guest regions over the real socket, driven by the Java front end. */
class DmabufRegistrationTest {
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    @TempDir
    Path dir;

    /** Connects a two-region front end, returns the back end's memory table's dma-buf count, disconnects. */
    private int dmabufRegions(boolean sealed) throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "vm-" + sealed, 1, dp);
        try {
            int baseline = Fds.openCount();
            FrontendOptions options = FrontendOptions.builder(server.spec().socket()).regions(2)
                    .memorySize(2L << 20).ringSize(64).sealedMemory(sealed).build();
            int count;
            try (VhostUserFrontend fe = VhostUserFrontend.connect(options)) {
                waitUntil(() -> dp.attachedCount() == 2, "both rings attached");
                GuestMemory memory = server.session().device().memory();
                assertEquals(2, memory.regionCount());
                count = memory.dmabufCount();
                assertEquals(2, fe.memory().regionCount());
            }
            waitUntil(() -> Fds.openCount() == baseline, "fd count back to baseline " + baseline);
            return count;
        } finally {
            await(server.shutdown());
        }
    }

    @Test
    void shouldRegisterUnsealedFrontEndMemoryAsExternalWhenConnected() throws Exception {
        assertEquals(0, dmabufRegions(false));
    }

    @Test
    void shouldRegisterSealedFrontEndMemoryAsDmabufExactlyWhenUdmabufAvailable() throws Exception {
        assertEquals(Udmabuf.available() ? 2 : 0, dmabufRegions(true));
    }

    @Test
    void shouldRegisterSealedFrontEndMemoryAsDmabufWhenUdmabufAvailable() throws Exception {
        UdmabufSupport.assumeAvailable();
        assertEquals(2, dmabufRegions(true));
    }
}
