package io.vhostdma.vhost.memory;

import io.vhostdma.vhost.internal.sys.MemoryProbe;
import java.lang.foreign.MemorySegment;

/**
 * Tells whether a byte of a guest-memory mapping can be read without a fault, without touching it from Java: the
 * kernel copies the byte, and a page that would raise SIGBUS (a shared file mapping whose file the front end shrank
 * under it) makes the system call fail instead of signalling the thread. Cold path (fault attribution); holds one
 * private memfd until {@link #close()}.
 */
public final class MappingProbe implements AutoCloseable {
    private final MemoryProbe probe = new MemoryProbe();

    /** Whether the byte at {@code offset} of {@code segment} is backed (reading it would not fault). */
    public boolean readable(MemorySegment segment, long offset) {
        return probe.readable(segment, offset);
    }

    /** Closes the probe's memfd. */
    @Override
    public void close() {
        probe.close();
    }
}
