/** Module config of vhost-dma (see docs/architecture.md). */
package io.vhostdma.config;
