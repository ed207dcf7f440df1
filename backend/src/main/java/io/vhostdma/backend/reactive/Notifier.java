package io.vhostdma.backend.reactive;

import io.vhostdma.backend.dataplane.WakeSignal;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that turns worker signals ({@link WakeSignal}) into wake-ups on the reactive context: parked
 * until a worker unparks it, it runs the wake-up of every signal that is pending. One per
 * {@link VhostBackend}; a wake-up only schedules work on the context (it never blocks).
 */
final class Notifier implements AutoCloseable {
    private record Target(WakeSignal signal, Runnable wake) {
    }

    private final CopyOnWriteArrayList<Target> targets = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Notifier() {
        thread = Thread.ofPlatform().daemon().name("vhost-reactive-notifier").unstarted(this::run);
        thread.start();
    }

    /** A signal whose pending wake-ups run {@code wake} (registered until {@link #remove}). */
    WakeSignal signal(Runnable wake) {
        WakeSignal s = new WakeSignal(thread);
        targets.add(new Target(s, wake));
        return s;
    }

    void remove(WakeSignal s) {
        targets.removeIf(t -> t.signal() == s);
    }

    private void run() {
        while (running) {
            LockSupport.park(this);
            for (Target t : targets) {
                if (t.signal().takePending()) {
                    t.wake().run();
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
