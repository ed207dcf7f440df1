/**
 * The machinery of the software engines ({@code cpu} and {@code sw}): a {@link io.vhostdma.dma.engine.soft.SoftChannel}
 * per virtual channel, holding the ops the layer handed over (already translated to segments and offsets)
 * in a struct-of-arrays ring with padded single-writer counters, the executor that moves their bytes
 * (catching a vanished segment as {@code BUS_ERROR}), the completion path (statuses read only when the
 * failure count moved) and the test fault injector. No checks here: they are the layer's.
 */
package io.vhostdma.dma.engine.soft;
