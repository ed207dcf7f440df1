#!/usr/bin/env bash
# Example 3 — DPDK testpmd (virtio-user) through vhostd.
#
# Usage: examples/scripts/testpmd-interop.sh [--seconds N] [--txpkts BYTES] [--dma sw|cpu]
#   1. writes a vhostd config with two server ports, vm1 and vm2, and the L2 switch (with --dma: one
#      DMA device, every queue bound, both ports in one access group);
#   2. starts bin/vhostd;
#   3. starts ONE dpdk-testpmd with two net_virtio_user ports (port 0 -> vm1.sock, port 1 -> vm2.sock)
#      in io forwarding, seeded with "start tx_first 16": packets circle testpmd port 0 -> vhostd ->
#      port 1 -> testpmd -> port 0 ... for N seconds (default 5), sampling "show port stats all" once
#      a second (interop/testpmd-lib.sh drives the interactive session);
#   4. stops vhostd and prints both sides' figures and where every packet went:
#        sample=<k> rx_pps=.. tx_pps=..                      testpmd, summed over both ports, per second
#        testpmd port=<i> rx_packets= tx_packets= ...        testpmd's final counters
#        final port=vm<i+1> guest_tx_pkts= guest_rx_pkts= drops= ...   vhostd's final counters
#        ledger port=<i> in_tx_ring=<testpmd tx - vhostd took> unpolled=<vhostd delivered - testpmd rx>
#        ledger vhostd took=T delivered=D drops=X lost=<T - D - X>
#   Exit 0 when packets moved both ways and vhostd exited cleanly. Needs root and dpdk-testpmd
#   (interop/install-peers.sh). Takes ~10–15 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO_ROOT/interop/testpmd-lib.sh"

seconds=5 txpkts=64 dma=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --txpkts) txpkts=$2; shift 2 ;;
    --dma) dma=$2; shift 2 ;;
    *) die "testpmd-interop: unknown argument $1" ;;
  esac
done
need_root testpmd-interop
"$REPO_ROOT/interop/install-peers.sh" > /dev/null   # dpdk-testpmd (no-op when present)
need_cmd testpmd-interop dpdk-testpmd taskset setsid stdbuf
build_tree

run=$(make_run_dir examples-testpmd)
finish() { exec 3>&- 2>/dev/null || true; vhostd_stop > /dev/null 2>&1 || true; kill_all; fe_cleanup; rm -rf "$run"; }
trap finish EXIT

# --- 1. the vhostd config ----------------------------------------------------------------------------
{
  echo "ports:"
  echo "  - { name: vm1, socket: $run/vm1.sock, mode: server, queue-pairs: 1 }"
  echo "  - { name: vm2, socket: $run/vm2.sock, mode: server, queue-pairs: 1 }"
  echo "workers: 1"
  echo "forwarding: switch          # L2 learning switch between the ports"
  echo "runtime-dir: $run"
  echo 'management: { metrics: "127.0.0.1:0" }'
  if [ -n "$dma" ]; then
    echo "dma:"
    echo "  - { name: dma0, engine: $dma, channels: 4, ring-size: 4096 }"
    echo "bindings:"
    echo "  - { port: vm1, queue: rxq0, channel: dma0/0 }"
    echo "  - { port: vm1, queue: txq0, channel: dma0/1 }"
    echo "  - { port: vm2, queue: rxq0, channel: dma0/2 }"
    echo "  - { port: vm2, queue: txq0, channel: dma0/3 }"
    echo "access-groups:"
    echo '  - { name: lab, token: "example-token-6a1f0c2e", members: [vm1, vm2] }'
  fi
} > "$run/vhostd.yaml"
echo "config:"; sed 's/^/  /' "$run/vhostd.yaml"

# --- 2. vhostd (core 0) ------------------------------------------------------------------------------
vhostd_start "$run/vhostd.yaml" "$run/vhostd.log"
grep '^vhostd: serving' "$run/vhostd.log" || true

# --- 3. testpmd (core 1) -----------------------------------------------------------------------------
# EAL: no PCI devices, no hugepages (-m 256 MiB of ordinary memory: vhost-user shares it by memfd),
# two virtio-user ports whose "path" is vhostd's socket (server=0: testpmd connects). fe_start adds
# --lcores '0@1,1@1' --no-pci --no-huge -m 256 --file-prefix and pins testpmd to core 1.
# Application: interactive (-i, commands through a fifo), io forwarding between the two ports.
fe_start "$run" testpmd \
  --vdev "net_virtio_user0,path=$run/vm1.sock,queues=1,server=0" \
  --vdev "net_virtio_user1,path=$run/vm2.sock,queues=1,server=0" \
  -- -i --forward-mode=io --nb-cores=1 --txpkts="$txpkts" --total-num-mbufs=32768
fe_measure testpmd-interop 2 "start tx_first 16" 1 "$seconds" 30 rx > "$run/testpmd.out" || {
  cat "$run/testpmd.out"; tail_log vhostd "$run/vhostd.log"; die "testpmd-interop: no loop traffic"; }
cat "$run/testpmd.out"

# --- 4. vhostd's side and the ledger -----------------------------------------------------------------
vhostd_stop > "$run/final.out" || { cat "$run/final.out"; die "testpmd-interop: vhostd did not exit cleanly"; }
grep -E '^final (port|dma)' "$run/final.out"
# Per port: testpmd tx - vhostd took = packets still in the TX ring when testpmd stopped; vhostd
# delivered - testpmd rx = delivered but not yet polled (each at most a ring, 256). Inside vhostd
# every packet taken was delivered or counted as a drop (with its reason on the final port= line).
awk '
  FNR == NR && /^testpmd port=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    tx[f["port"]] = f["tx_packets"]; rx[f["port"]] = f["rx_packets"]; next }
  FNR != NR && /^final port=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    p = substr(f["port"], 3) - 1; took[p] = f["guest_tx_pkts"]; got[p] = f["guest_rx_pkts"]; drops += f["drops"] }
  END {
    for (p = 0; p < 2; p++) {
      printf "ledger port=%d in_tx_ring=%d unpolled=%d\n", p, tx[p] - took[p], got[p] - rx[p]
      t += took[p]; d += got[p]
    }
    printf "ledger vhostd took=%d delivered=%d drops=%d lost=%d\n", t, d, drops, t - d - drops
  }' "$run/testpmd.out" "$run/final.out"
