/** Module vhost of vhost-dma (see docs/architecture.md). */
package io.vhostdma.vhost;
