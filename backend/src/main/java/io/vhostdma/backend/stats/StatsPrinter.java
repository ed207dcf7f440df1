package io.vhostdma.backend.stats;

import java.io.PrintStream;
import java.util.List;

/**
 * Prints one line per port each second while traffic flows:
 * {@code stats port=vm1 guest_tx_pkts=.. guest_tx_bytes=.. guest_rx_pkts=.. guest_rx_bytes=..
 * drops=N [drop.<reason>=N ..] tx_mpps=.. rx_mpps=..}, and the {@code final} lines at shutdown.
 * Called from one thread (a timer); not thread-safe.
 */
public final class StatsPrinter {
    private final List<PortCounters> ports;
    private final PrintStream out;
    private final PortCounters.Snapshot[] last;
    private long lastNanos;

    public StatsPrinter(List<PortCounters> ports, PrintStream out) {
        this.ports = ports;
        this.out = out;
        this.last = new PortCounters.Snapshot[ports.size()];
        for (int i = 0; i < last.length; i++) {
            last[i] = ports.get(i).snapshot();
        }
        this.lastNanos = System.nanoTime();
    }

    /** Prints the per-port lines if any counter moved since the previous call; returns whether it printed. */
    public boolean tick() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        PortCounters.Snapshot[] cur = new PortCounters.Snapshot[last.length];
        boolean moved = false;
        for (int i = 0; i < cur.length; i++) {
            cur[i] = ports.get(i).snapshot();
            moved |= !cur[i].equals(last[i]);
        }
        if (moved) {
            for (int i = 0; i < cur.length; i++) {
                double txMpps = (cur[i].guestTxPackets() - last[i].guestTxPackets()) / seconds / 1e6;
                double rxMpps = (cur[i].guestRxPackets() - last[i].guestRxPackets()) / seconds / 1e6;
                out.printf("stats %s tx_mpps=%.3f rx_mpps=%.3f%n", cur[i].fields(), txMpps, rxMpps);
            }
            out.flush();
        }
        System.arraycopy(cur, 0, last, 0, cur.length);
        return moved;
    }

    /** Prints one {@code final port=...} line per port. */
    public void printFinal() {
        for (PortCounters p : ports) {
            out.println("final " + p.snapshot().fields());
        }
        out.flush();
    }
}
