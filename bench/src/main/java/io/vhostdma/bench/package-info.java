/**
 * JMH benchmarks (run with {@code bench/jmh.sh}); the system benchmark against DPDK is
 * {@code bin/bench}. Subpackages group benchmarks by the module they measure.
 */
package io.vhostdma.bench;
