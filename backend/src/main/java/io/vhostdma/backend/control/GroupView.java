package io.vhostdma.backend.control;

import java.util.List;

/**
 * One access group.
 *
 * @param name    group name
 * @param creator the member that created it on the DMA devices (leaves last)
 * @param members its ports, creator first
 */
public record GroupView(String name, String creator, List<String> members) {
}
