/**
 * The Prometheus endpoint: text exposition format 0.0.4 at {@code /metrics} on the
 * {@code management.metrics} address, through the prometheus-metrics library (its registry, model
 * and text writer; its JVM module adds the {@code jvm_} and {@code process_} families). Contract:
 * every scrape builds vhostd's families from {@link io.vhostdma.backend.control.Management}
 * snapshots taken at that moment ({@code VhostdMetrics}, a MultiCollector: nothing is cached, nothing is
 * sampled in between); vhostd's names start {@code vhostd_}, use base units (bytes, seconds) and end
 * in {@code _total} for counters; a family without samples is left out, as the library does, except
 * {@code vhostd_management_refused_total}, which starts at 0 for every changing RPC. The data plane
 * is not touched: counters come from the views, which read each one whole with an opaque read.
 */
package io.vhostdma.backend.metrics;
