#!/usr/bin/env bash
# Loop traffic through a vhost-user back end with ONE testpmd holding two net_virtio_user ports.
#
# Usage: interop/testpmd-loop.sh --sock1 P1 --sock2 P2 [--server] [--seconds N] [--warmup W]
#            [--txpkts 64] [--queues N] [--mrg 0|1] [--connect-timeout S] [--devargs K=V,...] [--tx-first B]
#   testpmd (core 1) runs io forwarding between its two ports, seeded with "start tx_first B" (default
#   16: B bursts of 32 frames per port), so packets circle port0 -> back end -> port1 -> testpmd -> ...
#   (and the other way round). Frames that do not fit a TX ring (256) before the back end drains it are
#   dropped by testpmd at the start (its "TX-dropped"): B=8 fills each ring exactly, whatever the back end.
#   --server: the virtio-user ports listen (server=1); the back end must connect as a client.
#   --devargs: more virtio-user arguments for both ports (e.g. packed_vq=1,in_order=1).
#   After W s warm-up (default 1) it samples "show port stats all" once a second for N s (default 5),
#   then stop / final stats / quit. Output (parsable):
#     sample=<k> rx_pps=<sum over ports> tx_pps=<sum>        one per second
#     testpmd port=<i> rx_packets=N tx_packets=N rx_missed=N tx_errors=N
#     testpmd total rx_packets=N tx_packets=N rx_missed=N tx_errors=N
#   Exit 0 when packets flowed (rx > 0 on both ports), else 1 with the testpmd log tail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testpmd-lib.sh"

sock1="" sock2="" server=0 seconds=5 warmup=1 txpkts=64 queues=1 mrg=1 connect_timeout=30 devargs="" tx_first=16
while [ $# -gt 0 ]; do
  case "$1" in
    --sock1) sock1=$2; shift 2 ;;
    --sock2) sock2=$2; shift 2 ;;
    --server) server=1; shift ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --txpkts) txpkts=$2; shift 2 ;;
    --queues) queues=$2; shift 2 ;;
    --mrg) mrg=$2; shift 2 ;;
    --connect-timeout) connect_timeout=$2; shift 2 ;;
    --devargs) devargs=$2; shift 2 ;;
    --tx-first) tx_first=$2; shift 2 ;;
    *) die "testpmd-loop: unknown argument $1" ;;
  esac
done
[ -n "$sock1" ] && [ -n "$sock2" ] || die "testpmd-loop: --sock1 and --sock2 are required"
need_root testpmd-loop
need_cmd testpmd-loop dpdk-testpmd

dir=$(make_run_dir loop)
trap 'kill_all; fe_cleanup; rm -rf "$dir"' EXIT
dev() { echo "net_virtio_user$1,path=$2,queues=$queues,mrg_rxbuf=$mrg,server=$server${devargs:+,$devargs}"; }
fe_start "$dir" fe_loop --vdev "$(dev 0 "$sock1")" --vdev "$(dev 1 "$sock2")" -- -i \
  --forward-mode=io --nb-cores=1 --rxq="$queues" --txq="$queues" --txpkts="$txpkts" --total-num-mbufs=32768
fe_measure testpmd-loop 2 "start tx_first $tx_first" "$warmup" "$seconds" "$connect_timeout" rx || exit 1
