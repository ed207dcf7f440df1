package io.vhostdma.backend.ctl;

import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into the end of a streaming command instead of the JVM's exit with 130/143:
 * while installed, either signal completes {@code stop}, so the command finishes its output (a pcap file's last
 * frames) and exits 0. The previous handlers come back on {@link #close()}. Uses {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}): the JDK has no supported API for a signal handler.
 */
final class Interrupts implements AutoCloseable {
    private final SignalHandler oldInt;
    private final SignalHandler oldTerm;

    private Interrupts(CompletableFuture<Void> stop) {
        SignalHandler h = sig -> stop.complete(null);
        oldInt = Signal.handle(new Signal("INT"), h);
        oldTerm = Signal.handle(new Signal("TERM"), h);
    }

    /** Completes {@code stop} on SIGINT or SIGTERM until closed. */
    static Interrupts stopOn(CompletableFuture<Void> stop) {
        return new Interrupts(stop);
    }

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), oldInt);
        Signal.handle(new Signal("TERM"), oldTerm);
    }
}
