/**
 * virtio-net offloads done in software (virtio 1.2 §5.1.6.2): completing a partial checksum
 * ({@link io.vhostdma.vhost.offload.ChecksumCompletion}) and segmenting a GSO frame into MTU-sized frames with
 * correct IPv4/IPv6 and TCP/UDP headers ({@link io.vhostdma.vhost.offload.GsoSegmenter}), for a receiver that did
 * not negotiate what the sender's frame needs. A pure library over a host copy of the frame (the caller copies the
 * guest's bytes out first, so nothing here reads guest memory twice): the header fields are validated before use,
 * and a malformed one is {@link io.vhostdma.vhost.offload.OffloadHeader#BAD_OFFLOAD}, never an out-of-bounds read.
 * Allocation-free after construction. The data path reads and validates a guest's TX header with
 * {@link io.vhostdma.vhost.offload.OffloadHeader} and uses this library for receivers that did not negotiate what
 * a frame needs (backend {@code RxOffload}).
 */
package io.vhostdma.vhost.offload;
