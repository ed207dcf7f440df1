package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.control.QueueView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates of {@code vhostctl stats} between two samples. */
class RatesTest {
    private static QueueView q(String queue, long packets, long bytes, long drops) {
        return new QueueView("vm1", queue, 0, true, 0, null, packets, bytes,
                drops == 0 ? Map.of() : Map.of("rx_no_buffers", drops), 0, 0, 0, 0, 0);
    }

    @Test
    void shouldDivideDeltasByElapsedSecondsWhenQueueWasSampledBefore() {
        List<Rates.QueueRate> r = Rates.between(List.of(q("rxq0", 100, 10_000, 1)), List.of(q("rxq0", 300, 30_000, 5),
                q("txq0", 50, 500, 0)), 2.0);
        assertEquals(new Rates.QueueRate("vm1", "rxq0", 300, 30_000, 5, 100, 10_000, 2, 0, 0, 0, 0, 0), r.get(0));
        assertEquals(new Rates.QueueRate("vm1", "txq0", 50, 500, 0, 25, 250, 0, 0, 0, 0, 0, 0), r.get(1), "new queue rated from zero");
    }

    @Test
    void shouldReportZeroRateWhenCounterWentBackwards() {
        List<Rates.QueueRate> r = Rates.between(List.of(q("rxq0", 100, 100, 0)), List.of(q("rxq0", 10, 10, 0)), 1.0);
        assertEquals(0, r.getFirst().packetsPerSecond());
    }
}
