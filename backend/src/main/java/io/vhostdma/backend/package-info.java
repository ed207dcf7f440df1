/** Module backend of vhost-dma (see docs/architecture.md). */
package io.vhostdma.backend;
