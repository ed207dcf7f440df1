#!/usr/bin/env bash
# Example 4 — rebinding a virtqueue to another DMA channel while traffic flows, with bin/vhostctl.
#
# Usage: examples/scripts/live-rebind.sh [--engine cpu|sw]
#   1. starts bin/vhostd with two ports (vm0, vm1) in one access group and a DMA device dma0 with 8
#      channels: vm0 rxq0 -> dma0/0, txq0 -> dma0/1, vm1 rxq0 -> dma0/4, txq0 -> dma0/5 (dma0/2 free);
#      its runtime directory (management sockets vhostd.sock, vhostd-ro.sock) is the run directory;
#   2. drives traffic: one dpdk-testpmd loops packets through both ports until step 4;
#   3. with vhostctl, while the packets flow:
#        vhostctl queues                    -> vm0 rxq0 on dma0/0, its packet counter moving
#        vhostctl bind vm0 rxq0 dma0/2      -> live rebind: the queue drains dma0/0, continues on dma0/2
#        vhostctl queues                    -> vm0 rxq0 on dma0/2, the counter still moving
#        vhostctl unbind vm0 rxq0           -> back to synchronous CPU copies
#        vhostctl queues                    -> vm0 rxq0 unbound, the counter still moving
#        vhostctl events --count N          -> the binding events (started before the bind)
#      vhostctl finds vhostd.sock through VHOSTCTL_SOCKET (set from what vhostd printed), so the
#      commands take no connection flags;
#   4. stops testpmd and vhostd and prints their final counters.
#   Every vhostctl call is a short-lived JVM (a few seconds on a busy 2-core machine), hence the
#   generous waits.
#   Prints "check <what> ok|FAIL ..." per step and "RESULT live-rebind ok|FAIL ..."; exit 0 iff every
#   check passed. Needs root and dpdk-testpmd (interop/install-peers.sh). Takes ~1 min.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO_ROOT/interop/testpmd-lib.sh"

engine=cpu
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=$2; shift 2 ;;
    *) die "live-rebind: unknown argument $1" ;;
  esac
done
need_root live-rebind
"$REPO_ROOT/interop/install-peers.sh" > /dev/null
need_cmd live-rebind dpdk-testpmd jq taskset setsid stdbuf timeout
build_tree
[ -x "$VHOSTCTL" ] || die "live-rebind: $VHOSTCTL missing"

run=$(make_run_dir examples-rebind)
finish() { exec 3>&- 2>/dev/null || true; vhostd_stop > /dev/null 2>&1 || true; kill_all; fe_cleanup; rm -rf "$run"; }
trap finish EXIT
failed=0
check() { if [ "$2" = ok ]; then echo "check $1 ok${3:+ $3}"; else echo "check $1 FAIL${3:+ $3}"; failed=1; fi; }

# --- 1. vhostd ---------------------------------------------------------------------------------------
cat > "$run/vhostd.yaml" <<YAML
ports:
  - { name: vm0, socket: $run/vm0.sock, mode: server, queue-pairs: 1 }
  - { name: vm1, socket: $run/vm1.sock, mode: server, queue-pairs: 1 }
dma:
  - { name: dma0, engine: $engine, channels: 8, ring-size: 4096 }
bindings:
  - { port: vm0, queue: rxq0, channel: dma0/0 }
  - { port: vm0, queue: txq0, channel: dma0/1 }
  - { port: vm1, queue: rxq0, channel: dma0/4 }
  - { port: vm1, queue: txq0, channel: dma0/5 }
access-groups:
  - { name: lab, token: "example-token-6a1f0c2e", members: [vm0, vm1] }
workers: 1
forwarding: switch
runtime-dir: $run
management: { metrics: "127.0.0.1:0" }
YAML
vhostd_start "$run/vhostd.yaml" "$run/vhostd.log"
VHOSTCTL_SOCKET=$(vhostd_socket)
[ -S "$VHOSTCTL_SOCKET" ] || { tail_log vhostd "$run/vhostd.log"; die "live-rebind: vhostd printed no management socket"; }
export VHOSTCTL_SOCKET
echo "vhostd: management socket $VHOSTCTL_SOCKET"
ctl() { echo "\$ vhostctl $*" >&2; timeout 20 "$VHOSTCTL" "$@"; }

# vm0 rxq0's channel and packet counter, from "vhostctl --json queues" (a JSON array of queue views).
rxq() {
  timeout 20 "$VHOSTCTL" --json queues \
    | jq -r '[ .[] | select(.port == "vm0" and .queue == "rxq0") ][0] | "\(.channel // "-") \(.packets)"'
}
packets() { local c p; read -r c p < <(rxq); [[ "$p" =~ ^[0-9]+$ ]] || p=0; echo "$p"; }
moving_past() { [ "$(packets)" -gt "$1" ]; }

# --- 2. traffic --------------------------------------------------------------------------------------
# One testpmd (core 1) with two virtio-user ports looping packets through vm0 and vm1 (io forwarding,
# seeded with 16 bursts), running until step 4 stops it; interop/testpmd-lib.sh drives its prompt.
fe_start "$run" testpmd \
  --vdev "net_virtio_user0,path=$run/vm0.sock,queues=1" --vdev "net_virtio_user1,path=$run/vm1.sock,queues=1" \
  -- -i --forward-mode=io --nb-cores=1 --total-num-mbufs=32768
fe_wait_prompt 30 || { tail_log testpmd "$FE_LOG"; die "live-rebind: testpmd did not start"; }
fe_cmd "start tx_first 16"
wait_for 30 moving_past 0 || { tail_log testpmd "$FE_LOG"; die "live-rebind: no traffic on vm0 rxq0"; }

# --- 3. vhostctl -------------------------------------------------------------------------------------
timeout 60 "$VHOSTCTL" events --count 2 > "$run/events.out" 2>&1 &
events=$!; PIDS+=("$events")
sleep 0.5   # let the event stream subscribe before the first change

ctl queues
read -r ch p0 < <(rxq)
[ "$ch" = dma0/0 ] && check "initial binding" ok "vm0 rxq0 on $ch packets=$p0" || check "initial binding" FAIL "channel=$ch"

ctl bind vm0 rxq0 dma0/2 && check "bind exit code" ok || check "bind exit code" FAIL
p1=$(packets)
wait_for 20 moving_past "$p1" && check "traffic after bind" ok "packets $p1 -> $(packets)" \
  || check "traffic after bind" FAIL "packets stayed at $p1"
ctl queues
read -r ch _ < <(rxq)
[ "$ch" = dma0/2 ] && check "rebound channel" ok "vm0 rxq0 on $ch" || check "rebound channel" FAIL "channel=$ch"

ctl unbind vm0 rxq0 && check "unbind exit code" ok || check "unbind exit code" FAIL
p2=$(packets)
wait_for 20 moving_past "$p2" && check "traffic after unbind" ok "packets $p2 -> $(packets)" \
  || check "traffic after unbind" FAIL "packets stayed at $p2"
ctl queues
read -r ch _ < <(rxq)
case "$ch" in -|null|none|unbound|cpu) check "unbound" ok "vm0 rxq0 channel=$ch" ;; *) check "unbound" FAIL "channel=$ch" ;; esac

echo "\$ vhostctl events --count 2   (started before the bind)" >&2
if wait "$events"; then check "events" ok; else check "events" FAIL "exit code $?"; fi
cat "$run/events.out"

# --- 4. final counters -------------------------------------------------------------------------------
fe_quit 2
fe_report 2 rx > "$run/testpmd.out" && check "testpmd received on both ports" ok || check "testpmd received on both ports" FAIL
cat "$run/testpmd.out"
vhostd_stop > "$run/final.out" && check "vhostd exit" ok || check "vhostd exit" FAIL
grep -E '^final (port|dma)' "$run/final.out" || true
# The copies of vm0 rxq0 went through dma0/0 before the bind and dma0/2 between bind and unbind.
sub2=$(sed -n 's/^final dma channel=dma0\/2 submitted=\([0-9]*\).*/\1/p' "$run/final.out")
[ "${sub2:-0}" -gt 0 ] && check "copies on the new channel" ok "dma0/2 submitted=$sub2" \
  || check "copies on the new channel" FAIL "dma0/2 submitted=${sub2:-none}"
if [ "$failed" = 0 ]; then echo "RESULT live-rebind ok"; else echo "RESULT live-rebind FAIL"; fi
exit "$failed"
