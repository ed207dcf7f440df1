package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dev_iterator} (rte_dev.h), the cursor of {@code rte_dev_iterator_init/next}; the
 * engine only allocates it (the EAL fills it):
 * <pre>
 * struct rte_dev_iterator {
 *     const char *dev_str;
 *     const char *bus_str;
 *     const char *cls_str;
 *     struct rte_bus *bus;
 *     struct rte_class *cls;
 *     struct rte_device *device;
 *     void *class_device;
 * };
 * </pre>
 */
final class DevIteratorLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        ADDRESS.withName("dev_str"),
        ADDRESS.withName("bus_str"),
        ADDRESS.withName("cls_str"),
        ADDRESS.withName("bus"),
        ADDRESS.withName("cls"),
        ADDRESS.withName("device"),
        ADDRESS.withName("class_device"));

    private DevIteratorLayout() {
    }
}
