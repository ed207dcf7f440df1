/** Module dma of vhost-dma (see docs/architecture.md). */
package io.vhostdma.dma;
