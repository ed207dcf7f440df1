package io.vhostdma.backend.control;

import java.util.List;

/**
 * One port.
 *
 * @param name         port name
 * @param socket       vhost-user socket path
 * @param mode         {@code server} or {@code client}
 * @param state        {@code connected}, {@code listening} (server, no front end) or {@code connecting} (client)
 * @param features     virtio features negotiated with the current front end (0 when none)
 * @param featureNames names of the set feature bits ({@code VERSION_1}, {@code MRG_RXBUF}, …)
 * @param queuePairs   configured queue pairs
 * @param group        access group, or null
 * @param domainHandle the port's DMA domain handle (0 without DMA devices)
 * @param memoryKind   registration of its guest memory: {@code external}, {@code dmabuf}, {@code mixed}, or null
 * @param regions      the guest memory regions mapped now
 */
public record PortView(String name, String socket, String mode, String state, long features,
                       List<String> featureNames, int queuePairs, String group, int domainHandle, String memoryKind,
                       List<RegionView> regions) {
}
