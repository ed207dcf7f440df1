// PLACEHOLDER: replaced at merge
package io.vhostdma.vhost.memory;

import java.lang.foreign.MemorySegment;

/** PLACEHOLDER: one mapped guest-memory region (the memory package's real type replaces it). */
public record GuestRegion(long gpa, long size, long uva, MemorySegment segment) {
}
