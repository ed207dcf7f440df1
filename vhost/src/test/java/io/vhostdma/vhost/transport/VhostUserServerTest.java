package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.F1;
import static io.vhostdma.vhost.transport.ServerFixture.F_ACK;
import static io.vhostdma.vhost.transport.ServerFixture.await;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class VhostUserServerTest {
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    @TempDir
    Path dir;
    RecordingDataPlane dp;
    VhostUserServer server;
    TestFrontEnd fe;

    @BeforeEach
    void start() throws Exception {
        dp = new RecordingDataPlane();
        server = ServerFixture.server(VERTX.get(), dir, "vm1", 2, dp);
        fe = TestFrontEnd.connect(server.spec().socket());
    }

    @AfterEach
    void stop() throws Exception {
        fe.close();
        await(server.shutdown());
    }

    VhostDevice device() throws InterruptedException {
        waitUntil(() -> server.session() != null, "session");
        return server.session().device();
    }

    @Test
    void shouldAnswerGetsWithOfferedValuesAndFlags5WhenAsked() {
        TestFrontEnd.Reply f = fe.call(Request.GET_FEATURES, F1, new byte[0]);
        assertEquals(Request.GET_FEATURES, f.request());
        assertEquals(0x5, f.flags());
        assertEquals(8, f.size());
        assertEquals(VirtioNetFeatures.OFFERED, f.u64());
        TestFrontEnd.Reply p = fe.call(Request.GET_PROTOCOL_FEATURES, F1, new byte[0]);
        assertEquals(0x5, p.flags());
        assertEquals(0x1801fL, p.u64()); // MQ | LOG_SHMFD | RARP | REPLY_ACK | MTU | CONFIGURE_MEM_SLOTS | STATUS
        fe.send(Request.SET_PROTOCOL_FEATURES, F1, TestFrontEnd.u64(ServerFixture.PROTOCOL));
        TestFrontEnd.Reply q = fe.call(Request.GET_QUEUE_NUM, F1, new byte[0]);
        assertEquals(0x5, q.flags());
        assertEquals(2L, q.u64());
    }

    @Test
    void shouldAckOnlyAfterReplyAckNegotiatedWhenNeedReplySet() {
        // NEED_REPLY before REPLY_ACK is negotiated: no ack, the next reply is GET_FEATURES'
        fe.send(Request.SET_OWNER, F_ACK, new byte[0]);
        assertEquals(Request.GET_FEATURES, fe.call(Request.GET_FEATURES, F1, new byte[0]).request());
        fe.send(Request.SET_PROTOCOL_FEATURES, F1, TestFrontEnd.u64(ServerFixture.PROTOCOL));
        TestFrontEnd.Reply ack = fe.call(Request.SET_FEATURES, F_ACK, TestFrontEnd.u64(ServerFixture.FEATURES));
        assertEquals(Request.SET_FEATURES, ack.request());
        assertEquals(0x5, ack.flags());
        assertEquals(8, ack.size());
        assertEquals(0L, ack.u64());
        // a GET with NEED_REPLY gets only its own reply
        TestFrontEnd.Reply st = fe.call(Request.GET_STATUS, F_ACK, new byte[0]);
        assertEquals(Request.GET_STATUS, st.request());
        assertTrue(fe.silentFor(50));
    }

    @Test
    void shouldStoreStatusMtuAndFeaturesWhenSet() throws Exception {
        ServerFixture.negotiate(fe);
        assertEquals(0L, fe.call(Request.SET_STATUS, F_ACK, TestFrontEnd.u64(0x0b)).u64());
        assertEquals(0x0bL, fe.call(Request.GET_STATUS, F1, new byte[0]).u64());
        assertEquals(0L, fe.call(Request.NET_SET_MTU, F_ACK, TestFrontEnd.u64(9000)).u64());
        assertEquals(1L, fe.call(Request.NET_SET_MTU, F_ACK, TestFrontEnd.u64(67)).u64());
        VhostDevice d = device();
        assertEquals(9000, d.mtu());
        assertEquals(ServerFixture.FEATURES, d.features());
        assertEquals(12, d.headerLength());
        assertTrue(d.mergeable());
        assertTrue(d.indirect());
        assertFalse(d.eventIdx());
    }

    @Test
    void shouldMapMemfdRegionsWhenSetMemTableArrives() throws Exception {
        ServerFixture.negotiate(fe);
        int memfd = Memfd.create("guest", 3 * 4096);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment file = Mmap.mapShared(memfd, 0, 3 * 4096, arena);
            // two regions of one file: region 1 starts at file offset 8192 (mmap_offset)
            TestFrontEnd.Reply ack = fe.call(Request.SET_MEM_TABLE, F_ACK, TestFrontEnd.memTable(
                    new long[] {0, 8192, 0x40000000L, 0}, new long[] {0x10000, 4096, 0x50000000L, 8192}), memfd, memfd);
            assertEquals(0x5, ack.flags());
            assertEquals(0L, ack.u64());
            file.set(ValueLayout.JAVA_LONG, 8192 + 24, 0xfeedfaceL);
            file.set(ValueLayout.JAVA_LONG, 104, 0x1234L);
            GuestMemory m = device().memory();
            assertEquals(2, m.regionCount());
            assertEquals(1, m.regionOfUva(0x50000010L));
            assertEquals(0xfeedfaceL, m.region(1).segment().get(ValueLayout.JAVA_LONG, 24));
            assertEquals(0x1234L, m.region(0).segment().get(ValueLayout.JAVA_LONG, 104));
            assertEquals(4096, m.region(1).segment().byteSize());
        } finally {
            Fds.close(memfd);
        }
    }

    @Test
    void shouldAttachRingAtKickAndDetachWithBaseWhenGetVringBase() throws Exception {
        ServerFixture.negotiate(fe);
        int memfd = ServerFixture.memTable(fe);
        int[] fds = ServerFixture.ring(fe, 0);
        VhostDevice d = device();
        assertEquals(List.of("attach 0"), dp.events);
        assertTrue(d.ring(0).started());
        assertTrue(d.ring(0).enabled());
        assertEquals(256, d.ring(0).size());
        assertEquals(ServerFixture.ringBase(0) + 0x2000, d.ring(0).availUva());
        dp.bases.put(0, 0x1234);
        TestFrontEnd.Reply base = fe.call(Request.GET_VRING_BASE, F1, TestFrontEnd.state(0, 0));
        assertEquals(Request.GET_VRING_BASE, base.request());
        assertEquals(0x5, base.flags());
        assertEquals(8, base.size());
        assertEquals(0, base.index());
        assertEquals(0x1234, base.num());
        assertEquals(List.of("attach 0", "detach 0"), dp.events);
        assertFalse(d.ring(0).started());
        assertEquals(-1, d.ring(0).kickFd());
        Fds.close(memfd);
        Fds.close(fds[0]);
        Fds.close(fds[1]);
    }

    @Test
    void shouldAttachWhenMemTableArrivesAfterKickAndReattachOnNewTable() throws Exception {
        ServerFixture.negotiate(fe);
        int[] fds = ServerFixture.ring(fe, 1);
        assertEquals(List.of(), dp.events);
        int m1 = ServerFixture.memTable(fe);
        assertEquals(List.of("attach 1"), dp.events);
        int q = dp.quiesces.get();
        int memfd2 = Memfd.create("guest2", ServerFixture.MEM_SIZE);
        assertEquals(0L, fe.call(Request.SET_MEM_TABLE, F_ACK, TestFrontEnd.memTable(
                new long[] {ServerFixture.GPA, ServerFixture.MEM_SIZE, ServerFixture.UVA, 0}), memfd2).u64());
        // identical table: nothing moves
        assertEquals(List.of("attach 1"), dp.events);
        assertEquals(0L, fe.call(Request.SET_MEM_TABLE, F_ACK, TestFrontEnd.memTable(
                new long[] {0, ServerFixture.MEM_SIZE, ServerFixture.UVA, 0}), memfd2).u64());
        assertEquals(List.of("attach 1", "detach 1", "attach 1"), dp.events);
        assertTrue(dp.quiesces.get() > q);
        assertEquals(0L, device().memory().region(0).gpa());
        for (int fd : new int[] {m1, memfd2, fds[0], fds[1]}) {
            Fds.close(fd);
        }
    }

    @Test
    void shouldCloseOldCallFdWhenReplacedOnLiveRing() throws Exception {
        ServerFixture.negotiate(fe);
        int memfd = ServerFixture.memTable(fe);
        int[] fds = ServerFixture.ring(fe, 0);
        int oldCall = device().ring(0).callFd();
        assertTrue(Fds.isOpen(oldCall));
        int before = Fds.openCount();
        int newCall = EventFd.create();
        fe.send(Request.SET_VRING_CALL, F1, TestFrontEnd.u64(0), newCall);
        fe.call(Request.GET_FEATURES, F1, new byte[0]); // barrier
        int installed = device().ring(0).callFd();
        // our newCall (+1), the session's received copy (+1), the session's old copy closed (-1)
        assertEquals(before + 1, Fds.openCount());
        assertTrue(Fds.isOpen(installed));
        // the installed fd is the session's copy of newCall: a signal on it reaches newCall
        assertEquals(0, EventFd.signal(installed));
        assertEquals(1L, EventFd.drain(newCall));
        // NOFD: the copy is closed and the ring never signals
        fe.send(Request.SET_VRING_CALL, F1, TestFrontEnd.u64(0x100));
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        assertEquals(-1, device().ring(0).callFd());
        assertEquals(before, Fds.openCount());
        for (int fd : new int[] {memfd, newCall, fds[0], fds[1]}) {
            Fds.close(fd);
        }
    }

    @Test
    void shouldEnableDisableAndResetRingsWhenAsked() throws Exception {
        ServerFixture.negotiate(fe);
        assertEquals(0L, fe.call(Request.SET_VRING_ENABLE, F_ACK, TestFrontEnd.state(3, 1)).u64());
        assertTrue(device().ring(3).enabled());
        assertFalse(device().ring(2).enabled());
        assertEquals(0L, fe.call(Request.SET_VRING_ENABLE, F_ACK, TestFrontEnd.state(3, 0)).u64());
        assertFalse(device().ring(3).enabled());
        // SET_FEATURES without bit 30 enables every ring
        fe.call(Request.SET_FEATURES, F_ACK, TestFrontEnd.u64(1L << 32));
        for (int i = 0; i < 4; i++) {
            assertTrue(device().ring(i).enabled());
        }
        fe.send(Request.RESET_OWNER, F1, new byte[0]);
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        assertFalse(device().ring(0).enabled());
    }

    @Test
    void shouldAcceptDpdkReconnectWithoutSetOwnerWhenSecondConnectionFollows() throws Exception {
        ServerFixture.fullSetup(fe, 2);
        assertEquals(4, dp.attachedCount());
        fe.close();
        waitUntil(() -> server.session() == null && dp.attachedCount() == 0, "disconnect detaches every ring");
        fe = TestFrontEnd.connect(server.spec().socket());
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        fe.send(Request.SET_PROTOCOL_FEATURES, F1, TestFrontEnd.u64(ServerFixture.PROTOCOL));
        fe.send(Request.SET_FEATURES, F1, TestFrontEnd.u64(ServerFixture.FEATURES));
        int memfd = ServerFixture.memTable(fe);
        int[] fds = ServerFixture.ring(fe, 0);
        assertEquals(1, dp.attachedCount());
        assertFalse(server.session().owned());
        for (int fd : new int[] {memfd, fds[0], fds[1]}) {
            Fds.close(fd);
        }
    }

    @Test
    void shouldRefuseSecondFrontEndWhileOneIsConnected() throws Exception {
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        try (TestFrontEnd second = TestFrontEnd.connect(server.spec().socket())) {
            assertTrue(second.eofWithin(2000));
        }
        assertEquals(1, server.counters().connectionsRefused());
        assertEquals(Request.GET_FEATURES, fe.call(Request.GET_FEATURES, F1, new byte[0]).request());
    }

    @Test
    void shouldRemoveSocketFileWhenClosed() throws Exception {
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        await(server.shutdown());
        assertFalse(Files.exists(server.spec().socket()));
        assertTrue(fe.eofWithin(2000));
        assertNull(server.session());
        server = ServerFixture.server(VERTX.get(), dir, "vm1", 2, dp); // for @AfterEach
    }

}
