/**
 * Where vhostd's socket files may live (design.md §7, §9). Contract: before any socket is created,
 * {@link io.vhostdma.backend.sockets.SocketDirectories#prepare} creates every missing socket directory
 * (runtime directory, {@code management.socket-dirs}, each server port's directory) 0700 — 0750 for
 * one group, 0711 for several or for every user — and refuses an existing one that is not a real
 * directory owned by vhostd's uid and writable by it alone, with an
 * {@link io.vhostdma.backend.sockets.EnvironmentException} ({@code runtime-dir: /x is owned by uid=1000
 * (want 0)}; vhostd exits 3). Because nobody else can write these directories, the socket files vhostd
 * binds, chmods and chowns in them cannot be swapped under it between those steps.
 */
package io.vhostdma.backend.sockets;
