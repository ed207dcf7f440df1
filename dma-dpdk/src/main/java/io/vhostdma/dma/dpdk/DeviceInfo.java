package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code rte_dma_info_get} says about one dmadev.
 *
 * @param id        the dmadev id
 * @param name      its name as DPDK prints it ({@code dma_skeleton0}, {@code 0000:00:04.0}, {@code wq0.0})
 * @param capa      {@code RTE_DMA_CAPA_*} bits
 * @param maxVchans most virtual channels
 * @param minDesc   smallest ring
 * @param maxDesc   largest ring
 * @param maxSges   most scatter-gather entries per side (0 without copy_sg)
 */
record DeviceInfo(int id, String name, long capa, int maxVchans, int minDesc, int maxDesc, int maxSges) {

    /** @return whether the device takes virtual addresses as they are (shared virtual addressing) */
    boolean sva() {
        return (capa & DmaInfoLayout.CAPA_SVA) != 0;
    }

    /** A one-line description, as the probe prints it. */
    String describe() {
        return "dmadev name=" + name + " id=" + id + " capa=0x" + Long.toHexString(capa) + " max-vchans=" + maxVchans
            + " min-desc=" + minDesc + " max-desc=" + maxDesc + " max-sges=" + maxSges;
    }

    /** Reads the info of dmadev {@code id} (after the EAL started; any thread). */
    static DeviceInfo of(DpdkLibrary lib, int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DmaInfoLayout.LAYOUT);
            int r = (int) lib.dmaInfoGet.invokeExact((short) id, info);
            if (r != 0) {
                throw new IllegalStateException("rte_dma_info_get failed: dev_id=" + id + " result=" + r);
            }
            MemorySegment name = info.get(ADDRESS, DmaInfoLayout.DEV_NAME).reinterpret(256);
            return new DeviceInfo(id, name.getString(0), info.get(JAVA_LONG, DmaInfoLayout.DEV_CAPA),
                Short.toUnsignedInt(info.get(JAVA_SHORT, DmaInfoLayout.MAX_VCHANS)),
                Short.toUnsignedInt(info.get(JAVA_SHORT, DmaInfoLayout.MIN_DESC)),
                Short.toUnsignedInt(info.get(JAVA_SHORT, DmaInfoLayout.MAX_DESC)),
                Short.toUnsignedInt(info.get(JAVA_SHORT, DmaInfoLayout.MAX_SGES)));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    /** @return every dmadev the EAL created, in id order */
    static List<DeviceInfo> all(DpdkLibrary lib) {
        List<DeviceInfo> out = new ArrayList<>();
        try {
            for (int id = (short) lib.dmaNextDev.invokeExact((short) 0); id >= 0;
                 id = (short) lib.dmaNextDev.invokeExact((short) (id + 1))) {
                out.add(of(lib, id));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        return out;
    }
}
