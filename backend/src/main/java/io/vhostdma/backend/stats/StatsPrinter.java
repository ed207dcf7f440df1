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
    private final java.util.function.Supplier<List<PortCounters>> ports;
    private final PrintStream out;
    private final List<io.vhostdma.dma.DmaDevice> devices;
    private final java.util.Map<String, io.vhostdma.dma.DmaStats> lastChannel = new java.util.HashMap<>();
    private final java.util.Map<PortCounters, PortCounters.Snapshot> last = new java.util.HashMap<>();
    private long lastNanos;

    public StatsPrinter(List<PortCounters> ports, PrintStream out) {
        this(() -> ports, List.of(), out);
    }

    /**
     * @param ports   the ports to print, read at every tick (ports come and go live)
     * @param devices DMA devices whose channels get a line each while they move
     */
    public StatsPrinter(java.util.function.Supplier<List<PortCounters>> ports,
                        java.util.Collection<io.vhostdma.dma.DmaDevice> devices, PrintStream out) {
        this.devices = List.copyOf(devices);
        this.ports = ports;
        this.out = out;
        for (PortCounters p : ports.get()) {
            last.put(p, p.snapshot());
        }
        this.lastNanos = System.nanoTime();
    }

    /** Prints the per-port lines if any counter moved since the previous call; returns whether it printed. */
    public boolean tick() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        List<PortCounters> current = ports.get();
        java.util.Map<PortCounters, PortCounters.Snapshot> cur = new java.util.HashMap<>();
        boolean moved = false;
        for (PortCounters p : current) {
            PortCounters.Snapshot s = p.snapshot();
            cur.put(p, s);
            moved |= !s.equals(last.get(p));
        }
        if (moved) {
            for (PortCounters p : current) {
                PortCounters.Snapshot c = cur.get(p);
                PortCounters.Snapshot l = last.getOrDefault(p, c);
                double txMpps = (c.guestTxPackets() - l.guestTxPackets()) / seconds / 1e6;
                double rxMpps = (c.guestRxPackets() - l.guestRxPackets()) / seconds / 1e6;
                out.printf("stats %s tx_mpps=%.3f rx_mpps=%.3f%n", c.fields(), txMpps, rxMpps);
                printBoundQueues(p);
            }
            printChannels("stats");
            out.flush();
        }
        last.clear();
        last.putAll(cur);
        return moved;
    }

    /** {@code stats queue port=.. queue=rxq0 channel=dma0/0 copies=.. completed=.. errors=.. inflight=..}. */
    private void printBoundQueues(PortCounters p) {
        for (int q = 0; q < p.queuePairs(); q++) {
            for (QueueCounters c : new QueueCounters[] {p.rx(q), p.tx(q)}) {
                if (c.channel() != null) {
                    out.printf("stats queue port=%s queue=%s channel=%s pkts=%d drops=%d copies=%d completed=%d"
                                    + " errors=%d inflight=%d%n", p.port(), c.name(), c.channel(), c.packets(),
                            c.drops(), c.dmaSubmitted(), c.dmaCompleted(), c.dmaErrors(), c.dmaInFlight());
                }
            }
        }
    }

    /**
     * {@code <prefix> dma channel=dma0/1 submitted=.. completed=.. errors=.. bytes.<src>-><dst>=..} for
     * every channel that moved since the last line (domain handles: 0 is the host).
     */
    private void printChannels(String prefix) {
        for (io.vhostdma.dma.DmaDevice d : devices) {
            int n = d.info().channels();
            for (int c = 0; c < n; c++) {
                io.vhostdma.dma.DmaStats st = d.channel(c).stats();
                String name = d.name() + "/" + c;
                if (st.submitted() == 0 || st.equals(lastChannel.get(name))) {
                    continue;
                }
                lastChannel.put(name, st);
                StringBuilder sb = new StringBuilder(prefix).append(" dma channel=").append(name)
                        .append(" submitted=").append(st.submitted()).append(" completed=").append(st.completed())
                        .append(" errors=").append(st.errors());
                for (io.vhostdma.dma.DmaStats.PairBytes b : st.bytes()) {
                    sb.append(" bytes.").append(b.srcHandle()).append("->").append(b.dstHandle()).append('=')
                            .append(b.bytes());
                }
                for (io.vhostdma.dma.DmaStats.EngineCounter e : st.engine()) {
                    sb.append(' ').append(e.name()).append('=').append(e.value()); // e.g. dpdk.completed=N
                }
                out.println(sb);
            }
        }
    }

    /** Prints one {@code final port=...} line per port, then one {@code final dma ...} line per used channel. */
    public void printFinal() {
        for (PortCounters p : ports.get()) {
            out.println("final " + p.snapshot().fields());
        }
        lastChannel.clear();
        printChannels("final");
        out.flush();
    }
}
