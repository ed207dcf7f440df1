package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.vhostdma.dma.DmaException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * DPDK 22.11's shared libraries ({@code librte_eal.so.23}, {@code librte_dmadev.so.23}; the names can be
 * overridden with {@code -Dvhostdma.dpdk.libraries=EAL,DMADEV}) and the downcall handles of the
 * control-plane functions the engine calls. {@link #load()} opens them once per process and keeps the
 * cause when they are missing ({@link DmaException.Unavailable}: a config error for vhostd, a skip for
 * tests); nothing here starts DPDK.
 */
final class DpdkLibrary {
    /** The default library names (DPDK 22.11's ABI 23, as Debian 12's dpdk-dev installs them). */
    static final String DEFAULT_LIBRARIES = "librte_eal.so.23,librte_dmadev.so.23";
    private static final Linker LINKER = Linker.nativeLinker();
    private static DpdkLibrary loaded; // once opened (guarded by the class)

    final SymbolLookup eal;
    final SymbolLookup dmadev;
    final MethodHandle ealInit;            // int rte_eal_init(int argc, char **argv)
    final MethodHandle strerror;           // const char *rte_strerror(int errnum)
    final MethodHandle iovaMode;           // enum rte_iova_mode rte_eal_iova_mode(void)
    final MethodHandle runtimeDir;         // const char *rte_eal_get_runtime_dir(void)
    final MethodHandle extmemRegister;     // int rte_extmem_register(void *va, size_t len, rte_iova_t iova[], unsigned n, size_t pgsz)
    final MethodHandle extmemUnregister;   // int rte_extmem_unregister(void *va, size_t len)
    final MethodHandle virt2memsegList;    // struct rte_memseg_list *rte_mem_virt2memseg_list(const void *addr)
    final MethodHandle devDmaMap;          // int rte_dev_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
    final MethodHandle devDmaUnmap;        // int rte_dev_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
    final MethodHandle busFind;            // struct rte_bus *rte_bus_find(const struct rte_bus *start, rte_bus_cmp_t cmp, const void *data)
    final MethodHandle busName;            // const char *rte_bus_name(const struct rte_bus *bus)
    final MethodHandle devIteratorInit;    // int rte_dev_iterator_init(struct rte_dev_iterator *it, const char *str)
    final MethodHandle devIteratorNext;    // struct rte_device *rte_dev_iterator_next(struct rte_dev_iterator *it)
    final MethodHandle devName;            // const char *rte_dev_name(const struct rte_device *dev)
    final MethodHandle dmaGetDevIdByName;  // int rte_dma_get_dev_id_by_name(const char *name)
    final MethodHandle dmaNextDev;         // int16_t rte_dma_next_dev(int16_t start_dev_id)
    final MethodHandle dmaInfoGet;         // int rte_dma_info_get(int16_t dev_id, struct rte_dma_info *info)
    final MethodHandle dmaConfigure;       // int rte_dma_configure(int16_t dev_id, const struct rte_dma_conf *conf)
    final MethodHandle dmaVchanSetup;      // int rte_dma_vchan_setup(int16_t dev_id, uint16_t vchan, const struct rte_dma_vchan_conf *conf)
    final MethodHandle dmaStart;           // int rte_dma_start(int16_t dev_id)
    final MethodHandle dmaStop;            // int rte_dma_stop(int16_t dev_id)
    final MethodHandle dmaStatsGet;        // int rte_dma_stats_get(int16_t dev_id, uint16_t vchan, struct rte_dma_stats *stats)
    /** {@code struct rte_dma_fp_object *rte_dma_fp_objs}: the variable holding the table's address. */
    final MemorySegment fpObjsVariable;

    private DpdkLibrary(SymbolLookup eal, SymbolLookup dmadev) {
        this.eal = eal;
        this.dmadev = dmadev;
        ealInit = eal("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        strerror = eal("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        iovaMode = eal("rte_eal_iova_mode", FunctionDescriptor.of(JAVA_INT));
        runtimeDir = eal("rte_eal_get_runtime_dir", FunctionDescriptor.of(ADDRESS));
        extmemRegister = eal("rte_extmem_register",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG));
        extmemUnregister = eal("rte_extmem_unregister", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        virt2memsegList = eal("rte_mem_virt2memseg_list", FunctionDescriptor.of(ADDRESS, ADDRESS));
        FunctionDescriptor map = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        devDmaMap = eal("rte_dev_dma_map", map);
        devDmaUnmap = eal("rte_dev_dma_unmap", map);
        busFind = eal("rte_bus_find", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        busName = eal("rte_bus_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devIteratorInit = eal("rte_dev_iterator_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        devIteratorNext = eal("rte_dev_iterator_next", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devName = eal("rte_dev_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        dmaGetDevIdByName = dmadev("rte_dma_get_dev_id_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        dmaNextDev = dmadev("rte_dma_next_dev", FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT));
        dmaInfoGet = dmadev("rte_dma_info_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        dmaConfigure = dmadev("rte_dma_configure", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        dmaVchanSetup = dmadev("rte_dma_vchan_setup", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
        dmaStart = dmadev("rte_dma_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
        dmaStop = dmadev("rte_dma_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
        dmaStatsGet = dmadev("rte_dma_stats_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
        fpObjsVariable = symbol(dmadev, "rte_dma_fp_objs").reinterpret(ADDRESS.byteSize());
    }

    /**
     * Opens the libraries (once per process: a failure is not kept, a later call tries again).
     *
     * @return the library
     * @throws DmaException.Unavailable when a library or symbol is missing (the cause is kept)
     */
    static synchronized DpdkLibrary load() {
        if (loaded == null) {
            loaded = open(System.getProperty("vhostdma.dpdk.libraries", DEFAULT_LIBRARIES));
        }
        return loaded;
    }

    private static DpdkLibrary open(String names) {
        String[] libs = names.split(",");
        try {
            SymbolLookup eal = SymbolLookup.libraryLookup(libs[0].trim(), Arena.global());
            SymbolLookup dmadev = SymbolLookup.libraryLookup(libs[1].trim(), Arena.global());
            return new DpdkLibrary(eal, dmadev);
        } catch (IllegalArgumentException | IllegalStateException | ArrayIndexOutOfBoundsException e) {
            throw new DmaException.Unavailable("DPDK libraries not usable (" + names + "): " + e.getMessage()
                + "; the dpdk engine needs DPDK 22.11 (Debian: apt-get install dpdk-dev)", e);
        }
    }

    private MethodHandle eal(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(eal, name), fd);
    }

    private MethodHandle dmadev(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(dmadev, name), fd);
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("symbol not found: " + name));
    }

    /** @return the message of DPDK error {@code errnum} (EAL's strerror, which knows DPDK's own codes) */
    String strerror(int errnum) {
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(errnum);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }
}
