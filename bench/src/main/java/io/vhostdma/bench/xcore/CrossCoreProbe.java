package io.vhostdma.bench.xcore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the cross-core cache-line round trip: two threads, run under {@code taskset -c A,B} so that each spins on
 * its own CPU, bounce a counter through two cache lines (release store on one, acquire load on the other) and the
 * probe prints the median nanoseconds per round trip of {@value #SAMPLES} samples of {@value #TRIPS} trips each
 * (after one warm-up sample, which the JIT needs). Usage: {@code CrossCoreProbe} — prints {@code xcore_ns=<median>}.
 */
public final class CrossCoreProbe {
    private static final int TRIPS = 20_000;
    private static final int SAMPLES = 5;
    static final String ECHO_THREAD = "xcore-echo";
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Line.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One counter alone on its cache line (padded both sides; the JVM keeps field order within a class here). */
    @SuppressWarnings("unused")
    static final class Line {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        long value;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private final Line ping = new Line();
    private final Line pong = new Line();

    private CrossCoreProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.printf(Locale.ROOT, "xcore_ns=%.0f%n", measure());
    }

    /** The median round trip in nanoseconds; the echo thread it starts has ended when it returns. */
    static double measure() throws InterruptedException {
        CrossCoreProbe p = new CrossCoreProbe();
        Thread echo = Thread.ofPlatform().daemon().name(ECHO_THREAD).start(p::echo);
        double[] ns = new double[SAMPLES];
        try {
            p.sample(); // warm-up
            for (int i = 0; i < SAMPLES; i++) {
                ns[i] = p.sample();
            }
        } finally {
            VALUE.setRelease(p.ping, -1L); // the echo thread ends
            echo.join();
        }
        Arrays.sort(ns);
        return ns[SAMPLES / 2];
    }

    private long sent;

    /** Nanoseconds per round trip over {@value #TRIPS} trips. */
    private double sample() {
        long t0 = System.nanoTime();
        for (int i = 0; i < TRIPS; i++) {
            long v = ++sent;
            VALUE.setRelease(ping, v); // pairs with the echo thread's acquire load
            while ((long) VALUE.getAcquire(pong) != v) {
                Thread.onSpinWait();
            }
        }
        return (System.nanoTime() - t0) / (double) TRIPS;
    }

    /** Answers every value seen on {@code ping} on {@code pong}, until it sees -1. */
    private void echo() {
        long last = 0;
        while (true) {
            long v = (long) VALUE.getAcquire(ping);
            if (v == -1L) {
                return;
            }
            if (v != last) {
                last = v;
                VALUE.setRelease(pong, v); // pairs with the measuring thread's acquire load
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
