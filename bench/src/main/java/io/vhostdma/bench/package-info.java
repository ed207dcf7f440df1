/** Module bench of vhost-dma (see docs/architecture.md). */
package io.vhostdma.bench;
