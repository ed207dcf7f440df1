#!/usr/bin/env bash
# QEMU memory hotplug on a vhost-user port while two TCG guests ping each other.
#
# Usage: interop/qemu-hotplug.sh --sock1 P1 --sock2 P2 --ctl SOCKET [--timeout S]
#   Two guests (vm1 on P1, vm2 on P2; 256 MiB each, room for one more DIMM) transfer 4 MiB (md5 checked) and
#   keep pinging. Then vm2's QEMU monitor hot-adds 128 MiB: object_add memory-backend-memfd (share=on) and
#   device_add pc-dimm. Passes when the back end's port vm2 lists one more memory region within 10 s
#   (vhostctl port vm2 on --ctl) and the guests' pings continue afterwards.
#   Prints "PASS qemu-hotplug ..." or "FAIL qemu-hotplug <reason>" with console tails (exit 1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sock1="" sock2="" ctl="" timeout=150
while [ $# -gt 0 ]; do
  case "$1" in
    --sock1) sock1=$2; shift 2 ;;
    --sock2) sock2=$2; shift 2 ;;
    --ctl) ctl=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) die "qemu-hotplug: unknown argument $1" ;;
  esac
done
[ -n "$sock1" ] && [ -n "$sock2" ] && [ -n "$ctl" ] || die "qemu-hotplug: --sock1, --sock2 and --ctl are required"
need_root qemu-hotplug
need_cmd qemu-hotplug qemu-system-x86_64 python3
read -r vmlinuz initrd < <("$INTEROP_DIR/guest/build-initramfs.sh" | tail -n1)
VHOSTCTL=${VHOSTCTL:-$REPO_ROOT/bin/vhostctl}

dir=$(make_run_dir hotplug)
trap 'kill_all; rm -rf "$dir"' EXIT

vm() {
  local n=$1 sock=$2 role=$3
  setsid taskset -c 1 qemu-system-x86_64 -accel tcg -smp 1 -m 256,slots=2,maxmem=1G -nographic -no-reboot \
    -object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
    -chardev "socket,id=c0,path=$sock,reconnect=1" -netdev vhost-user,id=n0,chardev=c0 \
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0$n,vectors=0" \
    -monitor "unix:$dir/vm$n.mon,server=on,wait=off" \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet mitigations=off vd.ip=10.0.0.$n/24 vd.peer=10.0.0.$((3 - n)) vd.role=$role vd.mib=4 vd.linger=1" \
    < /dev/null > "$dir/vm$n.console" 2>&1 &
  PIDS+=($!)
}

hmp() {
  python3 - "$dir/$1.mon" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
def until_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")
until_prompt()
s.sendall(sys.argv[2].encode() + b"\n")
print("\n".join(l for l in until_prompt().splitlines()[1:] if not l.startswith("(qemu)")))
PY
}

fail() {
  echo "FAIL qemu-hotplug $*"
  tail_log vm1 "$dir/vm1.console"; tail_log vm2 "$dir/vm2.console"
  exit 1
}
regions() { "$VHOSTCTL" --socket "$ctl" --json port vm2 2>/dev/null | grep -o '"kind"' | wc -l; }
pings() { grep -c '^VD:PING-OK [0-9]' "$dir/vm1.console" || true; }
start=$SECONDS
vm 1 "$sock1" sender
vm 2 "$sock2" receiver
until [ "$(pings)" -gt 0 ]; do
  bad=$(grep -h '^VD:FAIL' "$dir"/vm*.console 2>/dev/null | head -n1 || true)
  [ -z "$bad" ] || fail "guest reported: $bad"
  [ $((SECONDS - start)) -lt "$timeout" ] || fail "timeout after ${timeout}s (no transfer and lingering ping)"
  sleep 0.5
done
before=$(regions)
[ "$before" -gt 0 ] || fail "port vm2 lists no memory region"
out=$(hmp vm2 "object_add memory-backend-memfd,id=hp1,size=128M,share=on"; hmp vm2 "device_add pc-dimm,id=dimm1,memdev=hp1")
[ -z "$(tr -d '\r\n ' <<< "$out")" ] || fail "hotplug refused: $(tr '\n' ' ' <<< "$out")"
t0=$SECONDS
until [ "$(regions)" -gt "$before" ]; do
  [ $((SECONDS - t0)) -lt 10 ] || fail "port vm2 still lists $(regions) regions (was $before) 10 s after the hotplug"
  sleep 0.2
done
after=$(regions) p=$(pings)
pings_above() { [ "$(pings)" -gt "$1" ]; }
wait_for 10 pings_above "$p" || fail "pings stopped after the hotplug (count stayed at $p)"
echo "PASS qemu-hotplug regions $before -> $after in $((SECONDS - t0))s, pings continue ($(pings) so far)"
