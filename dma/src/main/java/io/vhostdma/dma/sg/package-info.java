/**
 * Scatter-gather lists and the one walk over them. A {@link io.vhostdma.dma.sg.GatherList} is a reusable list
 * of translated byte ranges (a mapped region's segment, an offset, a length): a descriptor chain's buffers, a
 * frame, a packet's payload destination, one side of a scatter-gather DMA op. A
 * {@link io.vhostdma.dma.sg.GatherCursor} walks the common pieces of two lists (or the pieces of one), split at
 * every range boundary: every copy path (the CPU copier, the split of a frame into DMA ops, list slicing, the
 * software engines' scatter-gather op) uses it, so the two-cursor walk is written once. Nothing here allocates
 * after construction, checks addresses or synchronises: ranges are checked by whoever built them, and a list
 * and its cursor belong to one thread.
 */
package io.vhostdma.dma.sg;
