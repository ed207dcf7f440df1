#!/usr/bin/env bash
# Example 4 — rebinding a virtqueue to another DMA channel while traffic flows, with bin/vhostctl.
#
# Usage: examples/scripts/live-rebind.sh [--engine cpu|sw] [--seconds N]
#   1. starts bin/vhostd with two ports (vm0, vm1) in one access group and a DMA device dma0 with 8
#      channels: vm0 rxq0 -> dma0/0, txq0 -> dma0/1, vm1 rxq0 -> dma0/4, txq0 -> dma0/5 (dma0/2 free);
#      the gRPC management service on a free loopback port (vhostd prints it);
#   2. drives traffic: one dpdk-testpmd loops packets through both ports for N seconds (default 14);
#   3. with vhostctl, while the packets flow:
#        vhostctl queues                    -> vm0 rxq0 on dma0/0, its packet counter moving
#        vhostctl bind vm0 rxq0 dma0/2      -> live rebind: the queue drains dma0/0, continues on dma0/2
#        vhostctl queues                    -> vm0 rxq0 on dma0/2, the counter still moving
#        vhostctl unbind vm0 rxq0           -> back to synchronous CPU copies
#        vhostctl queues                    -> vm0 rxq0 unbound, the counter still moving
#        vhostctl events --count N          -> the binding events (started before the bind)
#   4. stops testpmd and vhostd and prints their final counters.
#   Prints "check <what> ok|FAIL ..." per step and "RESULT live-rebind ok|FAIL ..."; exit 0 iff every
#   check passed. Needs root and dpdk-testpmd (interop/install-peers.sh). Takes ~25 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

engine=cpu seconds=14
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) die "live-rebind: unknown argument $1" ;;
  esac
done
need_root live-rebind
"$REPO_ROOT/interop/install-peers.sh" > /dev/null
need_cmd live-rebind dpdk-testpmd jq taskset setsid timeout
build_tree
[ -x "$VHOSTCTL" ] || die "live-rebind: $VHOSTCTL missing"

run=$(make_run_dir examples-rebind)
finish() { vhostd_stop > /dev/null 2>&1 || true; kill_all; rm -rf "$run"; }
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
management: { grpc: "127.0.0.1:0", metrics: "127.0.0.1:0" }
YAML
vhostd_start "$run/vhostd.yaml" "$run/vhostd.log"
addr=$(vhostd_grpc)
[ -n "$addr" ] || { tail_log vhostd "$run/vhostd.log"; die "live-rebind: vhostd printed no gRPC address"; }
echo "vhostd: gRPC on $addr"
ctl() { echo "\$ vhostctl $*" >&2; timeout 20 "$VHOSTCTL" --addr "$addr" "$@"; }

# vm0 rxq0's channel and packet counter, from "vhostctl --json queues".
queue_json() { timeout 20 "$VHOSTCTL" --addr "$addr" --json queues; }
rxq() {
  queue_json | jq -r --arg f "$1" '
    [ (if type == "array" then .[] else (.queues // [])[] end)
      | select((.port // .portName) == "vm0" and (.queue // .name) == "rxq0") ][0]
    | .[$f] // (if $f == "channel" then "-" else 0 end)
    | if type == "string" and . == "" then "-" else . end'
}
packets() { rxq packets; }
moving_past() { [ "$(packets)" -gt "$1" ]; }

# --- 2. traffic --------------------------------------------------------------------------------------
"$REPO_ROOT/interop/testpmd-loop.sh" --sock1 "$run/vm0.sock" --sock2 "$run/vm1.sock" --seconds "$seconds" \
  > "$run/testpmd.out" 2>&1 &
loop=$!; PIDS+=("$loop")
wait_for 30 moving_past 0 || { cat "$run/testpmd.out"; die "live-rebind: no traffic on vm0 rxq0"; }

# --- 3. vhostctl -------------------------------------------------------------------------------------
timeout 60 "$VHOSTCTL" --addr "$addr" events --count 2 > "$run/events.out" 2>&1 &
events=$!; PIDS+=("$events")
sleep 0.5   # let the event stream subscribe before the first change

ctl queues
ch=$(rxq channel) p0=$(packets)
[ "$ch" = dma0/0 ] && check "initial binding" ok "vm0 rxq0 on $ch packets=$p0" || check "initial binding" FAIL "channel=$ch"

ctl bind vm0 rxq0 dma0/2 && check "bind exit code" ok || check "bind exit code" FAIL
p1=$(packets)
wait_for 10 moving_past "$p1" && check "traffic after bind" ok "packets $p1 -> $(packets)" \
  || check "traffic after bind" FAIL "packets stayed at $p1"
ctl queues
ch=$(rxq channel)
[ "$ch" = dma0/2 ] && check "rebound channel" ok "vm0 rxq0 on $ch" || check "rebound channel" FAIL "channel=$ch"

ctl unbind vm0 rxq0 && check "unbind exit code" ok || check "unbind exit code" FAIL
p2=$(packets)
wait_for 10 moving_past "$p2" && check "traffic after unbind" ok "packets $p2 -> $(packets)" \
  || check "traffic after unbind" FAIL "packets stayed at $p2"
ctl queues
ch=$(rxq channel)
case "$ch" in -|null|none|unbound|cpu) check "unbound" ok "vm0 rxq0 channel=$ch" ;; *) check "unbound" FAIL "channel=$ch" ;; esac

echo "\$ vhostctl events --count 2   (started before the bind)" >&2
if wait "$events"; then check "events" ok; else check "events" FAIL "exit code $?"; fi
cat "$run/events.out"

# --- 4. final counters -------------------------------------------------------------------------------
wait "$loop" && check "testpmd loop" ok || check "testpmd loop" FAIL
grep '^testpmd ' "$run/testpmd.out" || true
vhostd_stop > "$run/final.out" && check "vhostd exit" ok || check "vhostd exit" FAIL
grep -E '^final (port|dma)' "$run/final.out" || true
if [ "$failed" = 0 ]; then echo "RESULT live-rebind ok"; else echo "RESULT live-rebind FAIL"; fi
exit "$failed"
