package io.vhostdma.vhost.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The agent API's contract as the workers use it: level- versus edge-triggered watching, doorbells, guest signals. */
class PollerTest {
    @Test
    void shouldReportDoorbellUntilDrainedWhenWatchedReadable() {
        try (Poller poller = new Poller(4); Doorbell bell = new Doorbell()) {
            poller.watchReadable(bell.fd(), -1L);
            assertEquals(0, poller.await(0));
            assertEquals(0, bell.ring());
            assertEquals(1, poller.await(1000));
            assertEquals(-1L, poller.data(0));
            assertEquals(1, poller.await(0), "level-triggered: reported again while not drained");
            assertEquals(1L, bell.drain());
            assertEquals(0, poller.await(0));
            assertEquals(-1L, bell.drain(), "nothing left to take");
        }
    }

    @Test
    void shouldReportEverySignalWithoutReadingWhenWatchedForSignals() {
        try (Poller poller = new Poller(4); Doorbell kick = new Doorbell()) {
            poller.watchSignals(kick.fd(), 7L);
            kick.ring();
            assertEquals(1, poller.await(1000));
            assertEquals(7L, poller.data(0));
            assertEquals(0, poller.await(0), "edge-triggered: one event per signal, though the fd stays readable");
            kick.ring();
            assertEquals(1, poller.await(1000), "a new signal of a still-readable fd is reported");
            poller.unwatch(kick.fd());
            poller.unwatch(kick.fd());
            kick.ring();
            assertEquals(0, poller.await(0));
            assertEquals(3L, kick.drain(), "the poller never read the fd");
        }
    }

    @Test
    void shouldSignalEveryFdOfTheBatchWhenSubmitted() {
        try (Poller poller = new Poller(4); Doorbell a = new Doorbell(); Doorbell b = new Doorbell();
                GuestNotifier notifier = new GuestNotifier(2)) {
            poller.watchSignals(a.fd(), 1L);
            poller.watchSignals(b.fd(), 2L);
            assertEquals(0, notifier.add(a.fd()));
            assertEquals(1, notifier.add(b.fd()));
            assertEquals(-1, notifier.add(a.fd()), "the batch is full");
            assertEquals(2, notifier.count());
            assertEquals(2, notifier.submit());
            assertFalse(notifier.failed(0));
            assertFalse(notifier.failed(1));
            assertEquals(0, notifier.count());
            assertEquals(2, poller.await(1000));
            assertEquals(3L, poller.data(0) + poller.data(1));
            assertEquals(1L, a.drain());
            assertEquals(1L, b.drain());
        }
    }
}
