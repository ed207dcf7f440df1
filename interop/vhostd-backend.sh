#!/usr/bin/env bash
# Runs bin/vhostd as the vhost-user back end, with the same arguments as dpdk-backend.sh.
#
# Usage:
#   interop/vhostd-backend.sh start --dir D --sock P1 [--sock P2] [--fwd io|rxonly] [--queues N] [--client]
#                                   [--dma cpu|sw|dpdk] [--group] [--unsealed-memory cpu|allow]
#   interop/vhostd-backend.sh restart --dir D [--kill]  # stop (--kill: SIGKILL, a crash), start again
#   interop/vhostd-backend.sh stop --dir D [--kill]     # SIGTERM; prints vhostd's "final ..." lines
# start: writes D/vhostd.yaml (ports vm1, vm2, ... on the sockets; mode server, or client with
#   --client; forwarding switch for --fwd io, sink for --fwd rxonly; workers 1; runtime-dir D (the
#   management sockets D/vhostd.sock, D/vhostd-ro.sock); metrics on loopback port 0), runs "taskset -c 0 bin/vhostd --config D/vhostd.yaml" in the background and
#   waits (VHOSTD_READY_TIMEOUT, default 120 s) for "vhostd: ready" on its stdout. Prints the pid.
#   --dma ENGINE: one DMA device dma0 of that engine with 2 x queues x ports channels (at most 64),
#   and EVERY queue bound: port i (0-based), queue pair q: rxq<q> -> dma0/<2(i*queues+q)>, txq<q> ->
#   the next channel. --dma dpdk: DPDK skeleton dmadevs instead (one vchan each), RX queues only:
#   rxq<q> of port i -> device dpdk<k>/0 driving dma_skeleton<k>, k = i*queues+q, the EAL started with
#   --no-huge -m 256 --no-pci --no-telemetry --no-shconf and one --vdev per device (their copy threads
#   float over vhostd's CPUs, i.e. core 0 under the taskset below); --unsealed-memory sets
#   dpdk.unsealed-memory (testpmd's memory is not sealed: "allow" lets its queues use the dmadevs).
#   --group: all ports in access group "interop" (token $INTEROP_GROUP_TOKEN).
#   Fails (exit 1, reason on stderr) when bin/vhostd is missing, exits, or never gets ready.
# stop: exits 1 when vhostd needed SIGKILL or exited non-zero. Prints the "final port=" and
#   "final dma channel=" lines of this run. Log: D/vhostd.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VHOSTD=${VHOSTD:-$REPO_ROOT/bin/vhostd}
cmd=${1:-}; shift || true
parse_backend_args vhostd-backend "$@"
case "$dma" in ""|cpu|sw|dpdk) ;; *) die "vhostd-backend: --dma $dma: engine must be cpu, sw or dpdk" ;; esac
mkdir -p "$dir"

write_config() {
  local mode=server forwarding=switch i=1 s
  [ "$client" -eq 1 ] && mode=client
  [ "$fwd" = rxonly ] && forwarding=sink
  {
    echo "ports:"
    for s in "${socks[@]}"; do
      echo "  - { name: vm$i, socket: $s, mode: $mode, queue-pairs: $queues }"
      i=$((i + 1))
    done
    echo "workers: 1"
    echo "forwarding: $forwarding"
    echo "runtime-dir: $dir"
    echo 'management: { metrics: "127.0.0.1:0" }'
    if [ "$dma" = dpdk ]; then dpdk_config; elif [ -n "$dma" ]; then dma_config; fi
    [ "$group" -eq 0 ] || group_config
  } > "$dir/vhostd.yaml"
}

# dma_config: device dma0 and one binding per queue (two channels per queue pair and port).
dma_config() {
  local ports=${#socks[@]} p q ch
  local channels=$((2 * queues * ports))
  [ "$channels" -le 64 ] || die "vhostd-backend: --dma needs $channels channels (2 x $queues queues x $ports ports), a device has at most 64"
  echo "dma:"
  echo "  - { name: dma0, engine: $dma, channels: $channels, ring-size: 4096 }"
  echo "bindings:"
  for ((p = 0; p < ports; p++)); do
    for ((q = 0; q < queues; q++)); do
      ch=$((2 * (p * queues + q)))
      echo "  - { port: vm$((p + 1)), queue: rxq$q, channel: dma0/$ch }"
      echo "  - { port: vm$((p + 1)), queue: txq$q, channel: dma0/$((ch + 1)) }"
    done
  done
}

# dpdk_config: one skeleton dmadev per RX queue (a skeleton dmadev has one vchan) and the dpdk section.
dpdk_config() {
  local ports=${#socks[@]} p q k n=$(( ${#socks[@]} * queues )) vdevs=""
  echo "dma:"
  for ((k = 0; k < n; k++)); do
    echo "  - { name: dpdk$k, engine: dpdk, channels: 1, ring-size: 4096, dpdk-device: dma_skeleton$k }"
    vdevs+=", \"--vdev=dma_skeleton$k\""
  done
  echo "bindings:"
  for ((p = 0; p < ports; p++)); do
    for ((q = 0; q < queues; q++)); do
      echo "  - { port: vm$((p + 1)), queue: rxq$q, channel: dpdk$((p * queues + q))/0 }"
    done
  done
  echo "dpdk:"
  echo "  eal-args: [\"--no-huge\", \"-m\", \"256\", \"--no-pci\", \"--no-telemetry\", \"--no-shconf\"$vdevs]"
  echo "  unsealed-memory: ${unsealed:-cpu}"
}

# group_config: every port in one access group with a fixed test token.
INTEROP_GROUP_TOKEN=${INTEROP_GROUP_TOKEN:-3d6f2a7c-interop-test-token-51e0b9c4}
group_config() {
  local members="" i
  for ((i = 1; i <= ${#socks[@]}; i++)); do members+="${members:+, }vm$i"; done
  echo "access-groups:"
  echo "  - { name: interop, token: \"$INTEROP_GROUP_TOKEN\", members: [$members] }"
}

start() {
  [ -x "$VHOSTD" ] || die "vhostd-backend: $VHOSTD missing"
  [ -f "$dir/vhostd.yaml" ] || die "vhostd-backend: no config in $dir (start with --sock first)"
  # The wrapper records vhostd's exit code; taskset and bin/vhostd exec, so $! is the JVM.
  setsid bash -c 'taskset -c 0 "$1" --config "$2" < /dev/null >> "$3" 2>&1 & echo $! > "$4"; wait $!; echo "vhostd-exit=$?" >> "$3"' \
    _ "$VHOSTD" "$dir/vhostd.yaml" "$dir/vhostd.log" "$dir/vhostd.pid" < /dev/null > /dev/null 2>&1 &
  wait_for 5 test -s "$dir/vhostd.pid" || die "vhostd-backend: no pid"
  local pid; pid=$(cat "$dir/vhostd.pid")
  if ! wait_for "${VHOSTD_READY_TIMEOUT:-120}" ready_or_dead "$pid"; then
    tail_log vhostd "$dir/vhostd.log"; die "vhostd-backend: not ready within ${VHOSTD_READY_TIMEOUT:-120}s"
  fi
  alive "$pid" && grep -q '^vhostd: ready' "$dir/vhostd.log" \
    || { tail_log vhostd "$dir/vhostd.log"; die "vhostd-backend: vhostd exited before it was ready"; }
  echo "$pid"
}
ready_or_dead() { grep -q '^vhostd: ready' "$dir/vhostd.log" || ! alive "$1"; }

# stop: SIGTERM, ≤ 15 s, then SIGKILL. Prints the final counter lines of this run of vhostd.
stop() {
  [ -f "$dir/vhostd.pid" ] || return 0
  local pid rc=0; pid=$(cat "$dir/vhostd.pid")
  # SIGKILL (a crash, or TERM ignored for 15 s) takes vhostd's whole process group (setsid above).
  local pg; pg=$(ps -o pgid= -p "$pid" | tr -d ' ' || true)
  if [ "$sig" = KILL ]; then kill -KILL -- "-${pg:-$pid}" 2>/dev/null || true; rc=1
  else kill -TERM "$pid" 2>/dev/null || true; fi
  if ! wait_pid_exit "$pid" 15; then kill -KILL -- "-${pg:-$pid}" 2>/dev/null || true; rc=1; echo "vhostd-backend: SIGKILL needed" >&2; fi
  [ "$sig" = KILL ] || wait_for 30 grep -q '^vhostd-exit=' "$dir/vhostd.log" || true
  rm -f "$dir/vhostd.pid"
  grep -E '^final (port=|dma channel=)' "$dir/vhostd.log" || true
  local code; code=$(sed -n 's/^vhostd-exit=//p' "$dir/vhostd.log" | tail -n1)
  [ "$sig" = KILL ] || [ "${code:-1}" = 0 ] || { echo "vhostd-backend: vhostd exit code ${code:-unknown}" >&2; rc=1; }
  mv "$dir/vhostd.log" "$dir/vhostd.log.$(date +%s%N)"
  return "$rc"
}

case "$cmd" in
  start) [ "${#socks[@]}" -gt 0 ] || die "vhostd-backend: at least one --sock"; write_config; start ;;
  stop) stop ;;
  restart) stop || true; start ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
