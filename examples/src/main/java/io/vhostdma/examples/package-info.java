/** Module examples of vhost-dma (see docs/architecture.md). */
package io.vhostdma.examples;
