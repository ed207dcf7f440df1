package io.vhostdma.vhost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.PeerClosedException;
import io.vhostdma.vhost.frontend.RawChannel;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records what the Java front end sends over a whole connection (handshake, then the GET_VRING_BASE
 * teardown of {@code close()}) as a {@link SessionScript}, answering it with a real
 * {@link VhostUserSession}; then plays the recording through {@link SessionHarness}, which must
 * accept every message: the harness models the transport faithfully. With
 * {@code -Dfuzz.recordSeeds=true} the recordings are written as the session fuzz target's seeds:
 * {@code mvn -pl vhost -am test -Dtest=SessionSeedRecorderTest -Dfuzz.recordSeeds=true
 * -Dsurefire.failIfNoSpecifiedTests=false} from the vhost module directory's parent.
 */
class SessionSeedRecorderTest {
    private static final Path SEEDS = Path.of(
            "src/test/resources/io/vhostdma/vhost/protocol/SessionFuzzTestInputs/shouldKeepSessionContractWhenFrontEndSendsAnything");

    @TempDir
    Path dir;

    @Test
    void shouldAcceptEveryMessageWhenRecordedDefaultHandshakeIsReplayed() throws Exception {
        replayAndMaybeSave("handshake-default", FrontendOptions.builder(dir.resolve("fe.sock")));
    }

    @Test
    void shouldAcceptEveryMessageWhenRecordedTwoQueuePairHandshakeIsReplayed() throws Exception {
        replayAndMaybeSave("handshake-2qp-2regions", FrontendOptions.builder(dir.resolve("fe.sock"))
                .queuePairs(2).regions(2).ringSize(64).memorySize(4 << 20));
    }

    private void replayAndMaybeSave(String name, FrontendOptions.Builder options) throws Exception {
        List<SessionScript.Sent> recorded = record(options.timeoutMillis(5000).build());
        assertTrue(recorded.size() > 10, "a whole handshake was recorded: messages=" + recorded.size());
        byte[] script = SessionScript.encode(recorded);
        assertEquals(recorded.size(), SessionHarness.run(script), "messages the harness accepted");
        if (Boolean.getBoolean("fuzz.recordSeeds")) {
            Files.createDirectories(SEEDS);
            Files.write(SEEDS.resolve(name), script);
        }
    }

    /** Serves one front end with a real session and returns what it sent. */
    private List<SessionScript.Sent> record(FrontendOptions options) throws Exception {
        CompletableFuture<Void> frontEnd = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                waitForSocket(options.socketPath());
                VhostUserFrontend.connect(options).close();
                frontEnd.complete(null);
            } catch (Throwable t) {
                frontEnd.completeExceptionally(t);
            }
        });
        List<SessionScript.Sent> out = new ArrayList<>();
        CheckingDataPlane plane = new CheckingDataPlane();
        VhostUserSession session = new VhostUserSession("record", options.queuePairs(), plane, plane, Runnable::run,
                new SessionCounters());
        try (RawChannel be = RawChannel.accept(options.socketPath(), 5000); Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(MessageHeaderLayout.MAX_PAYLOAD, 8);
            MemorySegment wire = arena.allocate(MessageHeaderLayout.BYTES + MessageHeaderLayout.MAX_PAYLOAD, 8);
            while (true) {
                io.vhostdma.vhost.frontend.Reply m;
                try {
                    m = be.readReply(TimeUnit.SECONDS.toNanos(5));
                } catch (PeerClosedException closed) {
                    break;
                }
                out.add(new SessionScript.Sent(m.request(), m.flags(), m.size(), m.payload(), kinds(m.fds())));
                MemorySegment.copy(m.payload(), 0, payload, ValueLayout.JAVA_BYTE, 0, m.size());
                Reply r = session.handle(m.request(), m.flags(), payload.asSlice(0, m.size()), m.size(), m.fds(),
                        m.fds().length).toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (r.present()) {
                    r.writeTo(wire, 0);
                    be.sendMessage(r.request(), MessageHeaderLayout.REPLY_FLAGS, wire.asSlice(MessageHeaderLayout.BYTES),
                            r.payloadSize(), null, 0);
                }
            }
        } finally {
            session.disconnect().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        frontEnd.get(10, TimeUnit.SECONDS);
        return out;
    }

    /** Per fd: a memfd (true) or an eventfd (false), read from /proc before the session takes it. */
    private static boolean[] kinds(int[] fds) throws IOException {
        boolean[] memfd = new boolean[fds.length];
        for (int i = 0; i < fds.length; i++) {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fds[i])).toString();
            memfd[i] = !target.contains("eventfd");
            assertTrue(Fds.isOpen(fds[i]));
        }
        return memfd;
    }

    private static void waitForSocket(Path socket) throws InterruptedException {
        for (int i = 0; i < 500 && !Files.exists(socket); i++) {
            Thread.sleep(10);
        }
    }
}
