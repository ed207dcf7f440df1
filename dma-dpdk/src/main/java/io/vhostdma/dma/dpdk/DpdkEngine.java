package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.DmaStats;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.EngineInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One dmadev as the engine of one device of the DMA layer: {@code rte_dma_configure},
 * {@code rte_dma_vchan_setup} (memory to memory), {@code rte_dma_start}/{@code rte_dma_stop} on the
 * control thread; a {@link DpdkChannel} per vchan; registered memory mapped for the dmadev's device with
 * {@code rte_dev_dma_map} ({@link DeviceMaps}); DPDK's statistics ({@code rte_dma_stats_get}) as the
 * channels' engine counters {@code dpdk.submitted}, {@code dpdk.completed}, {@code dpdk.errors}.
 * Closing gives the dmadev back to the runtime (it is not closed in DPDK: another device may take it).
 */
final class DpdkEngine implements DmaEngine {
    private static final long STOP_TIMEOUT_NANOS = 5_000_000_000L;
    private final DpdkRuntime rt;
    private final DeviceInfo dev;
    private final String deviceName;
    private final Set<Registration> mapped = new LinkedHashSet<>();
    private DpdkChannel[] channels = new DpdkChannel[0];
    private boolean started;

    DpdkEngine(DpdkRuntime rt, DeviceInfo dev, String deviceName) {
        this.rt = rt;
        this.dev = dev;
        this.deviceName = deviceName;
    }

    @Override
    public EngineInfo info() {
        long capa = DmaCapability.ASYNC | DmaCapability.NATIVE_ACCESS | (dev.capa() & DmaInfoLayout.CAPA_OPS);
        if ((dev.capa() & DmaInfoLayout.CAPA_MEM_TO_MEM) != 0) {
            capa |= DmaCapability.MEM_TO_MEM;
        }
        if ((dev.capa() & DmaInfoLayout.CAPA_HANDLES_ERRORS) != 0) {
            capa |= DmaCapability.HANDLES_ERRORS;
        }
        int maxRing = Integer.highestOneBit(Math.max(1, dev.maxDesc()));
        int minRing = Math.max(16, Integer.highestOneBit(Math.max(1, dev.minDesc() - 1)) << 1);
        int sges = (dev.capa() & io.vhostdma.dma.DmaCapability.OPS_COPY_SG) != 0 ? dev.maxSges() : 0;
        return new EngineInfo(capa, dev.maxVchans(), minRing, maxRing, sges);
    }

    @Override
    public synchronized void configure(int count) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment conf = arena.allocate(DmaConfLayout.LAYOUT);
            conf.set(JAVA_SHORT, DmaConfLayout.NB_VCHANS, (short) count);
            conf.set(JAVA_BYTE, DmaConfLayout.ENABLE_SILENT, (byte) 0);
            rt.check("rte_dma_configure dev=" + dev.name() + " nb_vchans=" + count, false,
                () -> (int) rt.lib.dmaConfigure.invokeExact((short) dev.id(), conf));
        }
        closeChannels();
        channels = new DpdkChannel[count];
    }

    @Override
    public synchronized EngineChannel setupChannel(int vchan, int ringSize) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment conf = arena.allocate(VchanConfLayout.LAYOUT); // zeroed: ports RTE_DMA_PORT_NONE
            conf.set(JAVA_INT, VchanConfLayout.DIRECTION, VchanConfLayout.DIR_MEM_TO_MEM);
            conf.set(JAVA_SHORT, VchanConfLayout.NB_DESC, (short) ringSize);
            rt.check("rte_dma_vchan_setup dev=" + dev.name() + " vchan=" + vchan + " nb_desc=" + ringSize, false,
                () -> (int) rt.lib.dmaVchanSetup.invokeExact((short) dev.id(), (short) vchan, conf));
        }
        if (channels[vchan] != null) {
            channels[vchan].close();
        }
        DpdkChannel c = new DpdkChannel(vchan, ringSize, info().maxSges());
        channels[vchan] = c;
        return c;
    }

    @Override
    public synchronized void start() {
        rt.check("rte_dma_start dev=" + dev.name(), false, () -> (int) rt.lib.dmaStart.invokeExact((short) dev.id()));
        MemorySegment fp = rt.fpObject(dev.id());
        for (DpdkChannel c : channels) {
            c.bind(fp);
        }
        started = true;
    }

    @Override
    public synchronized void stop() {
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        boolean drained = true;
        for (DpdkChannel c : channels) {
            drained &= rt.control.call(() -> c.drain(deadline));
        }
        rt.check("rte_dma_stop dev=" + dev.name(), false, () -> (int) rt.lib.dmaStop.invokeExact((short) dev.id()));
        started = false;
        if (!drained) {
            throw new DmaException.Busy("dmadev did not complete its ops within 5 s: device=" + deviceName
                + " dpdk-device=" + dev.name());
        }
    }

    @Override
    public synchronized void close() {
        closeChannels();
        rt.release(dev.id());
    }

    private void closeChannels() {
        for (DpdkChannel c : channels) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Override
    public synchronized void map(Registration r) {
        if (dev.sva()) {
            for (Registration.IovaRun run : r.iovaRuns()) {
                if (run.iova() != run.va()) {
                    throw new DmaException.InvalidArgument("dmadev works on virtual addresses (SVA), memory has "
                        + "iova != va: dpdk-device=" + dev.name() + " va=0x" + Long.toHexString(run.va()) + " iova=0x"
                        + Long.toHexString(run.iova()));
                }
            }
        }
        if (rt.maps.map(dev, r)) {
            mapped.add(r);
        }
    }

    @Override
    public synchronized void unmap(Registration r) {
        if (mapped.remove(r)) {
            rt.maps.unmap(dev, r);
        }
    }

    @Override
    public List<DmaStats.EngineCounter> counters(int vchan) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(DmaStatsLayout.LAYOUT);
            int r = (int) rt.lib.dmaStatsGet.invokeExact((short) dev.id(), (short) vchan, stats);
            if (r != 0) {
                return List.of();
            }
            return List.of(new DmaStats.EngineCounter("dpdk.submitted", stats.get(JAVA_LONG, DmaStatsLayout.SUBMITTED)),
                new DmaStats.EngineCounter("dpdk.completed", stats.get(JAVA_LONG, DmaStatsLayout.COMPLETED)),
                new DmaStats.EngineCounter("dpdk.errors", stats.get(JAVA_LONG, DmaStatsLayout.ERRORS)));
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    @Override
    public synchronized String describe() {
        return "dpdk engine dpdk-device=" + dev.name() + " dev_id=" + dev.id() + " started=" + started
            + " dpdk-capa=0x" + Long.toHexString(dev.capa()) + " mapped-registrations=" + mapped.size();
    }
}
