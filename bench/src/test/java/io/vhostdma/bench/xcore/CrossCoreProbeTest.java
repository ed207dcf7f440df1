package io.vhostdma.bench.xcore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CrossCoreProbeTest {
    @Test
    @Timeout(60)
    void measuresAPlausibleRoundTripAndStopsItsEchoThread() throws InterruptedException {
        // two spinning threads on one CPU would hand the line over once per scheduler slice
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the probe needs two CPUs");
        double ns = CrossCoreProbe.measure();
        // a cache-line round trip between two CPUs takes tens of nanoseconds at least, and far less than 10 ms
        assertTrue(ns >= 10 && ns < 10_000_000, "round trip ns=" + ns);
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(CrossCoreProbe.ECHO_THREAD) && t.isAlive()), "echo thread still runs");
        double again = CrossCoreProbe.measure();
        assertTrue(again >= 10 && again < 10_000_000, "second round trip ns=" + again);
    }
}
