#!/usr/bin/env bash
# Runs DPDK's own vhost PMD (testpmd --vdev net_vhost...) as the reference vhost-user back end.
#
# Usage:
#   interop/dpdk-backend.sh start --dir D --sock P1 [--sock P2] [--fwd io|rxonly] [--queues N] [--client]
#                                 [--dma ENGINE] [--group]   # vhostd options: ignored here
#   interop/dpdk-backend.sh restart --dir D [--kill]  # stop (--kill: SIGKILL, a crash), start again
#   interop/dpdk-backend.sh stop --dir D [--kill]
# start: launches testpmd in the background on core 0 (taskset + --lcores '0@0,1@0', --no-huge -m 256),
#   one net_vhost port per --sock (server mode: it creates the socket; --client: it connects and
#   reconnects), forwarding io (default; two ports forward to each other) or rxonly; waits up to 15 s
#   for the sockets (server mode) and prints the pid. State lives in D: backend.pid, backend.log, backend.args.
# stop: SIGTERM (then SIGKILL after 5 s), removes the EAL runtime dir. Exit 0 also when not running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmd=${1:-}; shift || true
# --dma and --group configure vhostd only: accepted and ignored here, so one command line runs
# against either back end.
parse() { parse_backend_args dpdk-backend "$@"; }

start() {
  [ "${#socks[@]}" -gt 0 ] || die "dpdk-backend: at least one --sock"
  need_cmd dpdk-backend dpdk-testpmd
  mkdir -p "$dir"
  local prefix="vdref$$" vdevs=() i=0 s
  for s in "${socks[@]}"; do
    [ "$client" -eq 1 ] || rm -f "$s"
    vdevs+=(--vdev "net_vhost$i,iface=$s,queues=$queues,client=$client")
    i=$((i + 1))
  done
  # No stdin: --stats-period keeps testpmd running until it is signalled.
  setsid taskset -c 0 dpdk-testpmd --lcores '0@0,1@0' --no-pci --no-huge -m 256 --file-prefix="$prefix" \
    "${vdevs[@]}" -- --forward-mode="$fwd" --auto-start --stats-period 1 --nb-cores=1 \
    --rxq="$queues" --txq="$queues" --total-num-mbufs=32768 < /dev/null > "$dir/backend.log" 2>&1 &
  local pid=$!
  echo "$pid $prefix" > "$dir/backend.pid"
  if [ "$client" -eq 0 ]; then
    for s in "${socks[@]}"; do
      wait_for 15 test -S "$s" || { tail_log dpdk-backend "$dir/backend.log"; die "dpdk-backend: $s never appeared"; }
    done
  fi
  alive "$pid" || { tail_log dpdk-backend "$dir/backend.log"; die "dpdk-backend: testpmd exited"; }
  echo "$pid"
}

stop() {
  [ -f "$dir/backend.pid" ] || return 0
  local pid prefix
  read -r pid prefix < "$dir/backend.pid"
  kill -"$sig" "$pid" 2>/dev/null || true
  wait_pid_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
  wait_pid_exit "$pid" 5 || true
  rm -rf "/var/run/dpdk/$prefix" "$dir/backend.pid"
}

case "$cmd" in
  start)
    parse "$@"
    mkdir -p "$dir"; printf '%q ' "$@" > "$dir/backend.args"
    start ;;
  stop) parse "$@"; stop ;;
  restart)
    parse "$@"
    [ -f "$dir/backend.args" ] || die "dpdk-backend: nothing recorded in $dir/backend.args"
    stop
    eval "set -- $(cat "$dir/backend.args")"; parse "$@"
    [ "$client" -eq 1 ] || for s in "${socks[@]}"; do rm -f "$s"; done
    start ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
