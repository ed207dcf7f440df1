/** JMH benchmark of dirty-page logging (LOG_ALL) on the RX path: logging on versus off in one run. */
package io.vhostdma.bench.dirtylog;
