package io.vhostdma.backend.ctl;

import io.vhostdma.backend.control.QueueView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per-queue counters and their rates between two samples, for {@code vhostctl stats}. */
final class Rates {
    private Rates() {
    }

    /**
     * One queue's totals and rates.
     *
     * @param port             port name
     * @param queue            queue name
     * @param packets          packets moved so far
     * @param bytes            bytes moved so far
     * @param drops            packets dropped so far (every reason)
     * @param packetsPerSecond packet rate since the previous sample
     * @param bytesPerSecond   byte rate since the previous sample
     * @param dropsPerSecond   drop rate since the previous sample
     * @param csumFixups       checksums completed in software so far (RX queues)
     * @param gsoSegmented     GSO frames segmented in software so far (RX queues)
     * @param gsoFrames        GSO frames delivered whole so far (RX queues)
     * @param lent             frames lent to a lending receiver so far (TX queues)
     * @param lendStalls       bursts the lending bound stopped so far (TX queues)
     */
    record QueueRate(String port, String queue, long packets, long bytes, long drops, double packetsPerSecond,
                     double bytesPerSecond, double dropsPerSecond, long csumFixups, long gsoSegmented,
                     long gsoFrames, long lent, long lendStalls) {
    }

    /** Rates of every queue in {@code now}; a queue absent from {@code before} is rated from zero. */
    static List<QueueRate> between(List<QueueView> before, List<QueueView> now, double seconds) {
        Map<String, QueueView> old = new HashMap<>();
        for (QueueView q : before) {
            old.put(q.port() + "/" + q.queue(), q);
        }
        List<QueueRate> out = new ArrayList<>();
        for (QueueView q : now) {
            QueueView o = old.get(q.port() + "/" + q.queue());
            long drops = HumanOutput.drops(q);
            long p0 = o == null ? 0 : o.packets();
            long b0 = o == null ? 0 : o.bytes();
            long d0 = o == null ? 0 : HumanOutput.drops(o);
            out.add(new QueueRate(q.port(), q.queue(), q.packets(), q.bytes(), drops, rate(q.packets() - p0, seconds),
                    rate(q.bytes() - b0, seconds), rate(drops - d0, seconds), q.csumFixups(), q.gsoSegmented(),
                    q.gsoFrames(), q.lent(), q.lendStalls()));
        }
        return out;
    }

    private static double rate(long delta, double seconds) {
        return seconds <= 0 || delta < 0 ? 0 : delta / seconds;
    }

    static String table(List<QueueRate> rates) {
        Table t = new Table("PORT", "QUEUE", "PACKETS#", "BYTES#", "DROPS#", "PKT/S#", "BYTES/S#", "DROPS/S#",
                "CSUM_FIXUPS#", "GSO_SEGMENTED#", "GSO_FRAMES#", "LENT#", "LEND_STALLS#");
        for (QueueRate r : rates) {
            t.row(r.port(), r.queue(), r.packets(), r.bytes(), r.drops(), Math.round(r.packetsPerSecond()),
                    Math.round(r.bytesPerSecond()), Math.round(r.dropsPerSecond()), r.csumFixups(), r.gsoSegmented(),
                    r.gsoFrames(), r.lent(), r.lendStalls());
        }
        return t.render();
    }
}
