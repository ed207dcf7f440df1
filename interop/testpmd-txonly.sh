#!/usr/bin/env bash
# Dequeue traffic: one testpmd net_virtio_user port in txonly mode transmits into a vhost-user back end.
#
# Usage: interop/testpmd-txonly.sh --sock P [--server] [--queues N] [--mrg 0|1] [--seconds N]
#            [--warmup W] [--txpkts 64] [--connect-timeout S] [--devargs K=V,...]
#   testpmd (core 1) fills the guest TX ring; the back end dequeues. Its Tx counters only count what
#   the back end consumed. After W s warm-up (default 1) it samples once a second for N s (default 5).
#   Output: "sample=<k> rx_pps=.. tx_pps=.." per second, "testpmd port=0 tx_packets=N ..." and totals.
#   --devargs: more virtio-user arguments (e.g. packed_vq=1).
#   Exit 0 when tx_packets > 0, else 1 with the testpmd log tail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testpmd-lib.sh"

sock="" server=0 seconds=5 warmup=1 txpkts=64 queues=1 mrg=1 connect_timeout=30 devargs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sock) sock=$2; shift 2 ;;
    --server) server=1; shift ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --txpkts) txpkts=$2; shift 2 ;;
    --queues) queues=$2; shift 2 ;;
    --mrg) mrg=$2; shift 2 ;;
    --connect-timeout) connect_timeout=$2; shift 2 ;;
    --devargs) devargs=$2; shift 2 ;;
    *) die "testpmd-txonly: unknown argument $1" ;;
  esac
done
[ -n "$sock" ] || die "testpmd-txonly: --sock is required"
need_root testpmd-txonly
need_cmd testpmd-txonly dpdk-testpmd

dir=$(make_run_dir txonly)
trap 'kill_all; fe_cleanup; rm -rf "$dir"' EXIT
fe_start "$dir" fe_tx --vdev "net_virtio_user0,path=$sock,queues=$queues,mrg_rxbuf=$mrg,server=$server${devargs:+,$devargs}" -- -i \
  --forward-mode=txonly --nb-cores=1 --rxq="$queues" --txq="$queues" --txpkts="$txpkts" --total-num-mbufs=32768
fe_measure testpmd-txonly 1 "start" "$warmup" "$seconds" "$connect_timeout" tx || exit 1
