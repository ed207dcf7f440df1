#!/usr/bin/env bash
# Two QEMU (TCG) Linux guests on a vhost-user back end: ping, then a 4 MiB file with md5 check.
#
# Usage: interop/qemu-pair.sh --sock1 P1 --sock2 P2 [--backend-listens|--qemu-listens]
#            [--restart-hook "CMD"] [--timeout S] [--mib N] [--net-opts ,K=V...] [--net-opts1 ,K=V...] [--net-opts2 ,K=V...]
#   --backend-listens (default): the back end owns the sockets; QEMU connects as a reconnecting
#     client (reconnect=1). --qemu-listens: QEMU listens (server=on,wait=off); the back end connects.
#   vm1 = 10.0.0.1 (52:54:00:00:00:01) sends, vm2 = 10.0.0.2 (…:02) receives; both pinned to core 1.
#   Passes when both guests answer pings and print the same md5 of the transferred file, within
#   --timeout seconds (default 120). With --restart-hook, vm1 keeps pinging after the transfer; the
#   hook (which restarts the back end) runs, then a fresh successful ping must follow within 10 s;
#   the recovery time (hook return -> ping) is printed.
#   --net-opts: appended to both guests' -device virtio-net-pci,... (e.g. ",packed=on,host_mtu=1400");
#   --net-opts1 / --net-opts2: appended after it to vm1's / vm2's only (e.g. ",csum=off,guest_csum=off").
#   Prints "PASS qemu-pair ..." with each guest's eth0 MTU (exit 0) or "FAIL qemu-pair <reason>" with console tails (exit 1).
#   Needs interop/install-peers.sh to have run; builds the guest initramfs when needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sock1="" sock2="" listen=backend hook="" timeout=120 mib=4 net_opts="" net_opts1="" net_opts2=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sock1) sock1=$2; shift 2 ;;
    --sock2) sock2=$2; shift 2 ;;
    --backend-listens) listen=backend; shift ;;
    --qemu-listens) listen=qemu; shift ;;
    --restart-hook) hook=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --net-opts) net_opts=$2; shift 2 ;;
    --net-opts1) net_opts1=$2; shift 2 ;;
    --net-opts2) net_opts2=$2; shift 2 ;;
    *) die "qemu-pair: unknown argument $1" ;;
  esac
done
[ -n "$sock1" ] && [ -n "$sock2" ] || die "qemu-pair: --sock1 and --sock2 are required"
need_root qemu-pair
need_cmd qemu-pair qemu-system-x86_64
read -r vmlinuz initrd < <("$INTEROP_DIR/guest/build-initramfs.sh" | tail -n1)

dir=$(make_run_dir qemu)
trap 'kill_all; rm -rf "$dir"' EXIT
linger=0; [ -n "$hook" ] && linger=1

# boot_vm N SOCK ROLE: starts guest N (console in $dir/vmN.console).
boot_vm() {
  local n=$1 sock=$2 role=$3 chardev own=$net_opts1
  [ "$n" = 2 ] && own=$net_opts2
  if [ "$listen" = qemu ]; then chardev="socket,id=c0,path=$sock,server=on,wait=off"
  else chardev="socket,id=c0,path=$sock,reconnect=1"; fi
  setsid taskset -c 1 qemu-system-x86_64 -accel tcg -smp 1 -m 256 -nographic -no-reboot \
    -object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
    -chardev "$chardev" -netdev vhost-user,id=n0,chardev=c0 \
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0$n,vectors=0$net_opts$own" \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet mitigations=off vd.ip=10.0.0.$n/24 vd.peer=10.0.0.$((3 - n)) vd.role=$role vd.mib=$mib vd.linger=$linger" \
    < /dev/null > "$dir/vm$n.console" 2>&1 &
  PIDS+=($!)
}

fail() {
  echo "FAIL qemu-pair $*"
  tail_log vm1 "$dir/vm1.console"; tail_log vm2 "$dir/vm2.console"
  exit 1
}
md5_of() { sed -n 's/^VD:MD5 \([0-9a-f]*\).*/\1/p' "$dir/vm$1.console" | tr -d '\r' | head -n1; }
both_done() { grep -q '^VD:DONE' "$dir/vm1.console" && grep -q '^VD:DONE' "$dir/vm2.console"; }
any_failed() { grep -h '^VD:FAIL' "$dir/vm1.console" "$dir/vm2.console" 2>/dev/null | head -n1 || true; }
vm_alive() { alive "${PIDS[0]}" && alive "${PIDS[1]}"; }
ping_count() { grep -c '^VD:PING-OK [0-9]' "$dir/vm1.console" || true; }

start=$SECONDS
boot_vm 1 "$sock1" sender
boot_vm 2 "$sock2" receiver
until both_done; do
  bad=$(any_failed); [ -z "$bad" ] || fail "guest reported: $bad"
  vm_alive || { sleep 0.5; both_done && break; fail "a QEMU exited early"; }
  [ $((SECONDS - start)) -lt "$timeout" ] || fail "timeout after ${timeout}s (no VD:DONE on both guests)"
  sleep 0.5
done
m1=$(md5_of 1) m2=$(md5_of 2)
[ -n "$m1" ] && [ "$m1" = "$m2" ] || fail "md5 mismatch: sender=$m1 receiver=$m2"
transfer=$((SECONDS - start))
[ -n "${KEEP_CONSOLES:-}" ] && cp "$dir"/vm*.console "$KEEP_CONSOLES"/ 2>/dev/null
mtu_of() { sed -n 's/^VD:NET-UP .*mtu=\([0-9]*\).*/\1/p' "$dir/vm$1.console" | tr -d '\r' | head -n1; }
[ -n "$hook" ] || { echo "PASS qemu-pair ping+md5 ${mib}MiB md5=$m1 in ${transfer}s mtu=$(mtu_of 1),$(mtu_of 2)"; exit 0; }

# Restart scenario: vm1 keeps pinging; the back end restarts; a fresh ping must succeed within 10 s.
pings_above() { [ "$(ping_count)" -gt "$1" ]; }
wait_for 20 pings_above 0 || fail "vm1 never reported a lingering ping before the restart"
log "qemu-pair: restart hook: $hook"
h0=$(date +%s.%N)
bash -c "$hook" > "$dir/hook.log" 2>&1 || { tail_log hook "$dir/hook.log"; fail "restart hook failed"; }
before=$(ping_count) t0=$(date +%s.%N)
wait_for 10 pings_above "$before" || fail "no ping within 10 s after the back end restarted (count stayed at $before)"
t1=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
echo "PASS qemu-pair ping+md5 ${mib}MiB md5=$m1 in ${transfer}s; restart hook took $(secs "$h0" "$t0")s, ping recovered $(secs "$t0" "$t1")s after it"
