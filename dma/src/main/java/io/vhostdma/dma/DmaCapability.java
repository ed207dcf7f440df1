package io.vhostdma.dma;

/** Capability bits of {@link DmaInfo#capabilities()}. */
public final class DmaCapability {
    /** Memory-to-memory transfers. */
    public static final long MEM_TO_MEM = 1L;
    /** Failed operations are reported per operation and the channel carries on. */
    public static final long HANDLES_ERRORS = 1L << 1;
    /** Copies between different domains (guest to guest) under access-group control. */
    public static final long INTER_DOMAIN = 1L << 2;
    /** Operations execute asynchronously on an engine of their own. */
    public static final long ASYNC = 1L << 3;
    /**
     * The engine touches memory outside the JVM's checks (a native thread or a device): memory that can
     * vanish under its mapping (a memfd shrunk by its owner) would kill the process with SIGBUS instead
     * of failing the op, so such a device may be handed only memory that cannot shrink.
     */
    public static final long NATIVE_ACCESS = 1L << 8;
    /** The copy operation. */
    public static final long OPS_COPY = 1L << 32;
    /** The scatter-gather copy operation. */
    public static final long OPS_COPY_SG = 1L << 33;
    /** The fill operation. */
    public static final long OPS_FILL = 1L << 34;

    private static final long[] BITS = {MEM_TO_MEM, HANDLES_ERRORS, INTER_DOMAIN, ASYNC, NATIVE_ACCESS, OPS_COPY,
        OPS_COPY_SG, OPS_FILL};
    private static final String[] NAMES = {"mem2mem", "handles_errors", "inter_domain", "async", "native_access",
        "copy", "copy_sg", "fill"};

    private DmaCapability() {
    }

    /**
     * @param capabilities capability bits
     * @return the names of the set bits, separated by spaces
     */
    public static String names(long capabilities) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BITS.length; i++) {
            if ((capabilities & BITS[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : " ").append(NAMES[i]);
            }
        }
        return sb.toString();
    }
}
