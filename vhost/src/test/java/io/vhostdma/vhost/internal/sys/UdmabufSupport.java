package io.vhostdma.vhost.internal.sys;

import org.junit.jupiter.api.Assumptions;

/** Test helper: runs a udmabuf test only where {@code /dev/udmabuf} can be opened, else skips it with the reason. */
public final class UdmabufSupport {
    private UdmabufSupport() {
    }

    /**
     * Returns when {@link Udmabuf#available()}; otherwise prints {@code SKIPPED: udmabuf path: <reason>} to stdout and
     * aborts the calling test (reported as skipped with the reason, never as a pass).
     */
    public static void assumeAvailable() {
        if (!Udmabuf.available()) {
            String reason = Udmabuf.unavailableReason();
            System.out.println("SKIPPED: udmabuf path: " + reason);
            Assumptions.abort("udmabuf path: " + reason);
        }
    }
}
