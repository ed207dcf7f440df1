package io.vhostdma.dma.dpdk;

import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.DmaEngineProvider;

/**
 * The {@code dpdk} engine: a DMA device backed by a DPDK dmadev ({@link EngineOptions#backingDevice()},
 * the config's {@code dpdk-device}), the process's DPDK runtime started on first use from
 * {@link EngineOptions#runtimeArgs()} (the config's {@code dpdk.eal-args}). Registrations become
 * DPDK external memory ({@code rte_extmem_register}).
 */
public final class DpdkEngineProvider implements DmaEngineProvider {
    /** The engine name. */
    public static final String NAME = "dpdk";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DmaEngine create(String deviceName, EngineOptions options) {
        if (options.backingDevice() == null || options.backingDevice().isEmpty()) {
            throw new DmaException.InvalidArgument("the dpdk engine needs the dmadev to drive: device=" + deviceName
                + " (dpdk-device)");
        }
        DpdkRuntime rt = DpdkRuntime.open(options.runtimeArgs());
        return new DpdkEngine(rt, rt.claim(options.backingDevice()), deviceName);
    }

    @Override
    public void register(Registration r) {
        runtime().extmem.register(r);
    }

    @Override
    public void unregister(Registration r) {
        runtime().extmem.unregister(r);
    }

    private static DpdkRuntime runtime() {
        DpdkRuntime rt = DpdkRuntime.current();
        if (rt == null) {
            throw new DmaException.IllegalState("the DPDK runtime is not started (no dpdk device was created)");
        }
        return rt;
    }
}
