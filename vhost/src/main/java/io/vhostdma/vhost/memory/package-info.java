/**
 * Guest memory as the back end sees it: an immutable table of at most eight regions, each a guest-physical range
 * ({@code gpa}), the front end's user-address range ({@code uva}) and the host mapping ({@code segment}).
 *
 * <p>Contract:
 * <ul>
 *   <li>A {@link io.vhostdma.vhost.memory.GuestMemory} never changes after construction. A memory-table change
 *       builds a new table and swaps it in; ring code is handed the current table on every call and never keeps
 *       one.</li>
 *   <li>Descriptor addresses and indirect tables are guest-physical: look them up with
 *       {@link io.vhostdma.vhost.memory.GuestMemory#regionOfGpa(long, int)} (allocation-free, last hit first).
 *       Ring addresses are user addresses: translate them once, on the control plane, with
 *       {@link io.vhostdma.vhost.memory.GuestMemory#uvaSlice(long, long)}.</li>
 *   <li>A guest buffer may straddle two adjacent regions: callers translate it piece by piece and never trust one
 *       lookup for a whole range.</li>
 *   <li>Addresses are unsigned 64-bit values; containment is tested as {@code (addr - base) <u size}, which cannot
 *       overflow.</li>
 *   <li>Each region has a registration kind for the DMA layer: external memory (the host mapping, by address) or a
 *       dma-buf ({@link io.vhostdma.vhost.memory.GuestRegion#dmabufFd()} with
 *       {@link io.vhostdma.vhost.memory.GuestRegion#dmabufOffset()}). The table owns the dma-buf fds.</li>
 *   <li>{@link io.vhostdma.vhost.memory.GuestMemory#close()} closes the owning arena, which unmaps the regions, then
 *       closes the dma-buf fds, once. A racing access afterwards throws in the accessing thread instead of crashing
 *       the JVM.</li>
 *   <li>{@link io.vhostdma.vhost.memory.MappingProbe} asks the kernel whether a mapped byte is still backed (the
 *       front end may shrink its file under the mapping): cold-path fault attribution, never a read from Java.</li>
 * </ul>
 */
package io.vhostdma.vhost.memory;
