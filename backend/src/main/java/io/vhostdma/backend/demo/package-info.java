/**
 * {@code vhostd demo}: the daemon with its default config plus two built-in Java front ends (the
 * {@code io.vhostdma.vhost.frontend} driver side) pushing frames at each other through the switch,
 * with per-port rates printed each second — packets moving without QEMU or DPDK.
 */
package io.vhostdma.backend.demo;
