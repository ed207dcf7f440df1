package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.protocol.Request;

/**
 * What a buggy or malicious front end can do to the things it shares with the back end, for hostile tests: a
 * real front end (QEMU, DPDK) could do each of these to its own side at any time. Every action acts on a
 * connected {@link VhostUserFrontend} after its handshake.
 */
public final class Tampering {
    /** The largest value an eventfd counter holds: a {@code write(1)} to it blocks (or fails EAGAIN). */
    public static final long SATURATED = 0xffff_ffff_ffff_fffeL;

    private Tampering() {
    }

    /**
     * Clears {@code O_NONBLOCK} on every kick and call eventfd the front end handed over (the flag lives on the
     * open file description the back end shares, so a read or write there would now block).
     */
    public static void clearNonBlocking(VhostUserFrontend fe) {
        for (int i = 0; i < fe.ringCount(); i++) {
            Fds.setBlocking(fe.ring(i).kickFd(), true);
            Fds.setBlocking(fe.ring(i).callFd(), true);
        }
    }

    /** Fills the counter of ring {@code ring}'s call eventfd to {@link #SATURATED}. */
    public static void saturateCall(VhostUserFrontend fe, int ring) {
        saturate(fe.ring(ring).callFd());
    }

    /** Fills the counter of eventfd {@code fd} (one this front end created) to {@link #SATURATED}. */
    public static void saturate(int fd) {
        long now = EventFd.peekCount(fd);
        if (Long.compareUnsigned(now, SATURATED) < 0) {
            EventFd.add(fd, SATURATED - now);
        }
    }

    /** Asks for a call on every used entry of every ring (the back end signals at each publish). */
    public static void armInterrupts(VhostUserFrontend fe) {
        for (int i = 0; i < fe.ringCount(); i++) {
            fe.ring(i).armInterrupts();
        }
    }

    /**
     * Sends {@code request} (SET_VRING_KICK, SET_VRING_CALL or SET_VRING_ERR) for ring {@code ring} with
     * {@code fd} attached, whatever {@code fd} is; the caller keeps its copy of {@code fd}.
     */
    public static void sendNotifier(VhostUserFrontend fe, int request, int ring, int fd) {
        if (request != Request.SET_VRING_KICK && request != Request.SET_VRING_CALL
                && request != Request.SET_VRING_ERR) {
            throw new IllegalArgumentException("not a notifier request: request=" + Request.name(request));
        }
        fe.client().sendVringFd(request, ring, fd);
    }

    /**
     * Shrinks the memfd behind guest memory region {@code region} to {@code size} bytes: the back end's mapping
     * stays, and its next access beyond the new end faults (SIGBUS). The front end's own mapping faults there
     * too: the test must not touch that memory afterwards.
     */
    public static void shrinkMemory(VhostUserFrontend fe, int region, long size) {
        Fds.truncate(fe.memory().fd(region), size);
    }
}
