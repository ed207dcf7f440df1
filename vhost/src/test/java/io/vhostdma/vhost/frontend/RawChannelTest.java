package io.vhostdma.vhost.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.MessageBuffer;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.Request;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RawChannel and ProtocolClient against a scripted peer socket (no back end). */
class RawChannelTest {
    @TempDir
    Path dir;
    private int listenFd = -1;
    private int peer = -1;
    private RawChannel channel;
    private final MessageBuffer peerBuf = new MessageBuffer(256);

    @BeforeEach
    void connect() {
        Path p = dir.resolve("s.sock");
        listenFd = UnixSockets.listen(p, 1, 0600);
        channel = RawChannel.connect(p);
        peer = UnixSockets.accept(listenFd);
        assertTrue(peer >= 0);
    }

    @AfterEach
    void close() {
        channel.close();
        Fds.close(peer);
        Fds.close(listenFd);
        peerBuf.close();
    }

    private void peerSends(int request, int flags, long u64, int size, int[] fds) {
        peerBuf.data().set(ValueLayout.JAVA_INT_UNALIGNED, 0, request);
        peerBuf.data().set(ValueLayout.JAVA_INT_UNALIGNED, 4, flags);
        peerBuf.data().set(ValueLayout.JAVA_INT_UNALIGNED, 8, size);
        peerBuf.data().set(ValueLayout.JAVA_LONG_UNALIGNED, 12, u64);
        UnixSockets.send(peer, peerBuf, 12 + Math.min(size, 8), fds, fds.length);
    }

    @Test
    void shouldReturnNullWhenNothingArrivesWithinTimeout() {
        assertNull(channel.readReply(20_000_000L));
        assertFalse(channel.isPeerClosed(20));
    }

    @Test
    void shouldDeliverHeaderPayloadAndFdsWhenPeerReplies() {
        int efd = EventFd.create();
        try {
            peerSends(Request.GET_FEATURES, 0x5, 0x1_4000_8000L, 8, new int[] {efd});
            Reply r = channel.readReply(1_000_000_000L);
            assertEquals(Request.GET_FEATURES, r.request());
            assertEquals(0x5, r.flags());
            assertEquals(0x1_4000_8000L, r.u64());
            assertEquals(1, r.fds().length);
            EventFd.signal(r.fds()[0]);
            assertEquals(1L, EventFd.drain(efd));
            Fds.close(r.fds()[0]);
        } finally {
            Fds.close(efd);
        }
    }

    @Test
    void shouldRejectReplyWhenFlagsAreNotExactlyReply() {
        ProtocolClient client = new ProtocolClient(channel, 1000);
        peerSends(Request.GET_FEATURES, 0x1, 7, 8, new int[0]);
        FrontendException e = assertThrows(FrontendException.class, () -> client.expectReply(Request.GET_FEATURES, 8));
        assertTrue(e.getMessage().contains("flags=0x1"), e.getMessage());
    }

    @Test
    void shouldRejectReplyWhenItAnswersAnotherRequest() {
        ProtocolClient client = new ProtocolClient(channel, 1000);
        peerSends(Request.GET_PROTOCOL_FEATURES, 0x5, 7, 8, new int[0]);
        FrontendException e = assertThrows(FrontendException.class, () -> client.expectReply(Request.GET_FEATURES, 8));
        assertTrue(e.getMessage().contains("reply=GET_PROTOCOL_FEATURES"), e.getMessage());
    }

    @Test
    void shouldThrowWhenAckReportsFailure() {
        ProtocolClient client = new ProtocolClient(channel, 1000);
        client.setReplyAck(true);
        peerSends(Request.SET_FEATURES, 0x5, 1, 8, new int[0]);
        FrontendException e = assertThrows(FrontendException.class,
                () -> client.sendU64(Request.SET_FEATURES, 0x1_0000_0000L, true));
        assertTrue(e.getMessage().contains("ack=1"), e.getMessage());
        // what we sent: header with NEED_REPLY (0x9) and the u64
        assertEquals(20, UnixSockets.receive(peer, peerBuf, 0, 20, true));
        assertEquals(0x9, peerBuf.data().get(ValueLayout.JAVA_INT_UNALIGNED, 4));
        assertEquals(0x1_0000_0000L, peerBuf.data().get(ValueLayout.JAVA_LONG_UNALIGNED, 12));
    }

    @Test
    void shouldReportPeerClosedWhenPeerShutsTheSocket() {
        Fds.close(peer);
        peer = -1;
        assertTrue(channel.isPeerClosed(1000));
        assertThrows(PeerClosedException.class, () -> channel.readReply(100_000_000L));
    }
}
