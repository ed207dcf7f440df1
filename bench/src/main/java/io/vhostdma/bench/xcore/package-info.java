/**
 * The machine's cross-core state: how long a cache line takes to travel between the two CPUs the benchmark uses
 * (back end on core 0, front end on core 1). On a virtual machine this changes with the host's placement of the
 * vCPUs — on the project's machine between ≈ 110 ns and ≈ 500–1300 ns per round trip, from one second to the next —
 * and every cross-core packet path (rings written by one core and read by the other) slows down with it.
 * {@code bin/bench} runs {@link io.vhostdma.bench.xcore.CrossCoreProbe} around each measurement and labels it.
 */
package io.vhostdma.bench.xcore;
