package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Memfd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Plays one {@link SessionScript} into a fresh {@link VhostUserSession} the way the transport does:
 * each header through {@link MessageHeader#decode}, then the payload and freshly made fds (real
 * memfds and eventfds, handed to the session, which owns them from then on) to
 * {@link VhostUserSession#handle}, one message at a time; a refused header or a failed message
 * closes the connection, and the script ends with {@link VhostUserSession#disconnect()}.
 *
 * <p>What must hold for every script, else an exception or {@link AssertionError} escapes (a fuzz
 * finding): a message fails only with {@link ProtocolException}; every stage completes (the data
 * plane answers at once, so a stage left pending is a hang); a reply answers the request it was
 * sent for; after the disconnect no ring is attached, every memory table is unmapped and exactly
 * the fds open before the script are open again ({@link CheckingDataPlane}, {@link FdLeakCheck}).
 */
final class SessionHarness {
    /** Queue pairs of the fuzzed port: rings 0..3 exist, ring 4 and beyond must be refused. */
    static final int QUEUE_PAIRS = 2;

    private SessionHarness() {
    }

    /** Plays {@code script}; returns the number of messages the session accepted. */
    static int run(byte[] script) {
        FdLeakCheck fds = FdLeakCheck.begin();
        CheckingDataPlane plane = new CheckingDataPlane();
        VhostUserSession session = new VhostUserSession("fuzz", QUEUE_PAIRS, plane, plane, Runnable::run,
                new SessionCounters());
        int accepted = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(MessageHeaderLayout.BYTES, 8);
            MemorySegment payload = arena.allocate(MessageHeaderLayout.MAX_PAYLOAD, 8);
            for (SessionScript.Sent m : SessionScript.parse(script)) {
                if (!deliver(session, m, header, payload)) {
                    break;
                }
                accepted++;
            }
        }
        completed(session.disconnect().toCompletableFuture(), "disconnect");
        plane.assertReleased();
        fds.assertNoLeak("disconnect");
        return accepted;
    }

    /** One message; false when the connection is closed by it (bad header or protocol error). */
    private static boolean deliver(VhostUserSession session, SessionScript.Sent m, MemorySegment header,
            MemorySegment payload) {
        header.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.REQUEST, m.request());
        header.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.FLAGS, m.flags());
        header.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.SIZE, m.size());
        MessageHeader h;
        try {
            h = MessageHeader.decode(header, 0);
        } catch (ProtocolException e) {
            return false;
        }
        MemorySegment.copy(m.payload(), 0, payload, ValueLayout.JAVA_BYTE, 0, h.size());
        int[] fds = openFds(m);
        CompletableFuture<Reply> stage = session.handle(h.request(), h.flags(), payload.asSlice(0, h.size()),
                h.size(), fds, fds.length).toCompletableFuture();
        Reply reply;
        try {
            reply = completed(stage, Request.name(h.request()));
        } catch (CompletionException e) {
            Throwable cause = VhostUserSession.cause(e);
            if (cause instanceof ProtocolException) {
                return false;
            }
            throw e;
        }
        if (reply.present() && reply.request() != h.request()) {
            throw new AssertionError("reply to another request: sent=" + Request.name(h.request()) + " reply="
                    + Request.name(reply.request()));
        }
        return true;
    }

    private static int[] openFds(SessionScript.Sent m) {
        int[] fds = new int[m.fdCount()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = m.memfd()[i] ? Memfd.create("fuzz-" + i, m.memfdBytes(i)) : EventFd.create();
        }
        return fds;
    }

    private static <T> T completed(CompletableFuture<T> stage, String what) {
        if (!stage.isDone()) {
            throw new AssertionError("stage left pending (a hang with a real data plane): " + what);
        }
        return stage.join();
    }
}
