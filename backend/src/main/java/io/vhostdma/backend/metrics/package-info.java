/**
 * The Prometheus endpoint: text exposition format 0.0.4 at {@code /metrics} on the
 * {@code management.metrics} address. Contract: every scrape builds the text from
 * {@link io.vhostdma.backend.control.Management} snapshots taken at that moment (nothing is cached,
 * nothing is sampled in between); every family is announced with HELP and TYPE lines even when it has
 * no samples yet; names start {@code vhostd_}, use base units (bytes, seconds) and end in
 * {@code _total} for counters; label values are escaped as the format requires. The data plane is
 * not touched: counters come from the views, which read them with acquire semantics.
 */
package io.vhostdma.backend.metrics;
