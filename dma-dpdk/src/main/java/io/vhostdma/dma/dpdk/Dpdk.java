package io.vhostdma.dma.dpdk;

/** Small helpers shared by the engine's FFM code. */
final class Dpdk {
    private Dpdk() {
    }

    /**
     * A downcall threw: this only happens on a wrong method type or a closed arena, a programming error.
     *
     * @param t what was thrown
     * @return an error to throw
     */
    static Error unexpected(Throwable t) {
        if (t instanceof Error e) {
            return e;
        }
        return new AssertionError("unexpected failure of a DPDK downcall: " + t, t);
    }
}
