#!/usr/bin/env bash
# Example 2 — two QEMU Linux guests talking to each other through vhostd.
#
# Usage: examples/scripts/qemu-two-guests.sh [--engine sw|cpu] [--mib N] [--timeout S] [--keep DIR]
#   1. writes a vhostd config: ports vm1 and vm2 (vhostd listens on vm1.sock / vm2.sock), one DMA
#      device dma0 with every virtqueue bound to its own channel, and both ports in one access group,
#      so a packet goes from one guest's TX buffer into the other guest's RX buffer in ONE DMA copy;
#   2. starts bin/vhostd with it;
#   3. boots two QEMU (TCG, no KVM needed) guests — a Linux kernel and a busybox initramfs whose init
#      (interop/guest/init) configures 10.0.0.1 / 10.0.0.2, pings the peer, then sends an N MiB file
#      (default 1) from vm1 to vm2 and prints its md5;
#   4. stops vhostd and prints its final counters (per port, per DMA channel).
#   Prints "RESULT qemu-two-guests ok ..." and exits 0 when both guests pinged each other and the md5s
#   match; else "RESULT qemu-two-guests FAIL <reason>" with the consoles' tails, exit 1. --keep DIR
#   copies config, vhostd log and consoles there. Needs root (QEMU's vhost-user memory is shared with
#   vhostd) and the peers of interop/install-peers.sh. Takes ~20–40 s (mostly TCG boot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

engine=sw mib=1 timeout=150 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) die "qemu-two-guests: unknown argument $1" ;;
  esac
done
need_root qemu-two-guests
"$REPO_ROOT/interop/install-peers.sh" > /dev/null   # QEMU, busybox, a guest kernel (no-op when present)
need_cmd qemu-two-guests qemu-system-x86_64 taskset setsid
build_tree
# The guest: the distribution kernel plus a tiny busybox initramfs (rebuilt only when its inputs change).
read -r vmlinuz initrd < <("$REPO_ROOT/interop/guest/build-initramfs.sh" | tail -n1)

run=$(make_run_dir examples-qemu)
finish() {
  vhostd_stop > /dev/null 2>&1 || true
  kill_all
  if [ -n "$keep" ]; then mkdir -p "$keep"; cp "$run"/* "$keep"/ 2>/dev/null || true; fi
  rm -rf "$run"
}
trap finish EXIT

# --- 1. the vhostd config ----------------------------------------------------------------------------
# The token is the group's secret: ports present it to join. Here both are joined at start-up.
cat > "$run/vhostd.yaml" <<YAML
ports:
  - { name: vm1, socket: $run/vm1.sock, mode: server, queue-pairs: 1 }
  - { name: vm2, socket: $run/vm2.sock, mode: server, queue-pairs: 1 }
dma:
  - { name: dma0, engine: $engine, channels: 4, ring-size: 4096 }
bindings:                      # rxq = the guest's receive queue (vhostd enqueues), txq = its transmit queue
  - { port: vm1, queue: rxq0, channel: dma0/0 }
  - { port: vm1, queue: txq0, channel: dma0/1 }
  - { port: vm2, queue: rxq0, channel: dma0/2 }
  - { port: vm2, queue: txq0, channel: dma0/3 }
access-groups:
  - { name: lab, token: "example-token-6a1f0c2e", members: [vm1, vm2] }
workers: 1
forwarding: switch
runtime-dir: $run
management: { metrics: "127.0.0.1:0" }
YAML
echo "config: $run/vhostd.yaml"; sed 's/^/  /' "$run/vhostd.yaml"

# --- 2. vhostd ---------------------------------------------------------------------------------------
vhostd_start "$run/vhostd.yaml" "$run/vhostd.log"
grep '^vhostd: serving' "$run/vhostd.log" || true

# --- 3. two guests -----------------------------------------------------------------------------------
# What QEMU needs for vhost-user: guest RAM in a shareable memfd (memory-backend-memfd,share=on, used
# as the NUMA node's memory), a socket chardev to vhostd's port (reconnect=1: retry if vhostd is not
# there yet), a vhost-user netdev on it and a virtio-net device. TCG, one vCPU, pinned to core 1.
boot_vm() {
  local n=$1 role=$2
  setsid taskset -c 1 qemu-system-x86_64 -accel tcg -smp 1 -m 256 -nographic -no-reboot \
    -object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
    -chardev "socket,id=c0,path=$run/vm$n.sock,reconnect=1" \
    -netdev vhost-user,id=n0,chardev=c0 \
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0$n,vectors=0" \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet mitigations=off vd.ip=10.0.0.$n/24 vd.peer=10.0.0.$((3 - n)) vd.role=$role vd.mib=$mib" \
    < /dev/null > "$run/vm$n.console" 2>&1 &
  PIDS+=($!)
}
result_fail() {
  echo "RESULT qemu-two-guests FAIL $*"
  tail_log vm1 "$run/vm1.console"; tail_log vm2 "$run/vm2.console"; tail_log vhostd "$run/vhostd.log"
  exit 1
}
marker() { { grep -a -h "^$1" "$run/vm$2.console" 2>/dev/null || true; } | tr -d "\r" | head -n1; }

t0=$SECONDS
boot_vm 1 sender     # pings 10.0.0.2, then sends the file
boot_vm 2 receiver   # pings 10.0.0.1, then receives it
echo "guests: vm1 10.0.0.1 and vm2 10.0.0.2 booting (consoles in $run/vm1.console, vm2.console)"
until [ -n "$(marker VD:DONE 1)" ] && [ -n "$(marker VD:DONE 2)" ]; do
  bad=$(marker VD:FAIL 1)$(marker VD:FAIL 2); [ -z "$bad" ] || result_fail "guest reported: $bad"
  [ $((SECONDS - t0)) -lt "$timeout" ] || result_fail "timeout after ${timeout}s"
  alive "$VHOSTD_PID" || result_fail "vhostd exited"
  sleep 0.5
done
ping1=$(marker VD:PING-OK 1) ping2=$(marker VD:PING-OK 2)
[ -n "$ping1" ] && [ -n "$ping2" ] || result_fail "no successful ping (vm1: '${ping1}', vm2: '${ping2}')"
md1=$(marker 'VD:MD5' 1 | cut -d' ' -f2) md2=$(marker 'VD:MD5' 2 | cut -d' ' -f2)
[ -n "$md1" ] && [ "$md1" = "$md2" ] || result_fail "md5 mismatch: vm1=$md1 vm2=$md2"
echo "vm1 -> vm2: ping ok ($ping1), vm2 -> vm1: ping ok ($ping2); ${mib} MiB md5 $md1 on both sides"

# --- 4. vhostd's counters ----------------------------------------------------------------------------
# "final port=..." per port (guest_tx = what the guest sent, guest_rx = what vhostd delivered into it,
# dma_copies/dma_errors), "final dma channel=dma0/N submitted= completed= errors= bytes.A->B=..." per
# channel: with both guests in one group, bytes move guest->guest (handles >= 1) on the rxq channels.
# The guests power off a second after VD:DONE. Let them, and let vhostd see both disconnects, before
# stopping vhostd: stopping it under a live guest would revoke that guest's memory under copies still
# in flight (counted as dma_error drops, as they should be, but not what a clean run shows).
for p in "${PIDS[@]}"; do
  [ "$p" = "$VHOSTD_PID" ] || wait_pid_exit "$p" 20 || kill -KILL "$p" 2>/dev/null || true
done
both_gone() { [ "$(grep -c 'disconnected reason=' "$run/vhostd.log")" -ge 2 ]; }
wait_for 10 both_gone || echo "note: vhostd did not report both disconnects within 10 s"
echo "vhostd final counters:"
vhostd_stop > "$run/final.out" || { cat "$run/final.out"; result_fail "vhostd did not exit cleanly"; }
cat "$run/final.out"
echo "RESULT qemu-two-guests ok ping=both md5=$md1 mib=$mib seconds=$((SECONDS - t0))"
