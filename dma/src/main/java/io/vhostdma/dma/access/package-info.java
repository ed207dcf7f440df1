/**
 * Access groups: which guest domains a device may copy between (the pair-group shape: create with a
 * token, join with the token, leave, destroy by the creator as last member, handles for the op flags,
 * events on membership changes). Each change publishes an immutable
 * {@link io.vhostdma.dma.access.AccessTable} that the engines read per guest-to-guest op.
 */
package io.vhostdma.dma.access;
