#!/usr/bin/env bash
# Live migration of a QEMU (TCG) guest between two vhost-user ports while it receives a TCP stream.
#
# Usage: interop/qemu-migrate.sh --sock1 P1 --sock2 P2 --sock3 P3 --ctl SOCKET [--no-guest-announce]
#            [--timeout S] [--mib N] [--qemu-defaults] [--packed] [--ram-kib K]
#        interop/qemu-migrate.sh --qemu-net [--churn] [--qemu-defaults] [--ram-kib K] ...   (controls: no vhost-user)
#   vm1 (52:54:00:00:00:01, 10.0.0.1, on P1) sends an N MiB random file (default 96) to vm2 (…:02, 10.0.0.2,
#   on P2). Once the sender's stream runs, vm2 is live-migrated by its QEMU monitor (migrate -d to a unix
#   socket, max-bandwidth 1G, downtime-limit 2 s: TCG guests dirty memory fast) into a destination QEMU started with -incoming on P3 (same machine, same MAC).
#   The source QEMU is quit once the migration completed (and the memory check passed); after the transfer both guests keep pinging. Passes when the migration completed, the receiver (now on P3)
#   prints the sender's md5, and the back end's port on P3 received packets within 5 s of the migration's
#   end (polled through vhostctl on --ctl, the back end's management socket; the port is named vm3).
#   --no-guest-announce: the receiver's virtio-net has guest_announce=off, so QEMU asks the back end to
#   announce the guest (SEND_RARP) instead of the guest announcing itself.
#   Memory check: the destination starts paused (-S); once the migration completed, both guests' RAM is dumped
#   (pmemsave; the source is paused, the destination not yet started, and vhostd has stopped the source's rings
#   and not yet started the destination's: its port must not have received a packet yet) and must be identical
#   page for page — a page vhostd wrote and did not log would differ. Then the destination runs (cont). The 5 s
#   are counted from the cont.
#   --qemu-defaults: keep QEMU's default max-bandwidth and downtime-limit (else 1G and 2 s: TCG guests dirty
#   memory fast).
#   --packed: every guest's virtio-net uses packed rings (packed=on).
#   --ram-kib K: each guest's RAM in KiB, a multiple of 8; the memory check compares K KiB. Default 262136 (256 MiB
#   less 8 KiB): a RAM block that is not a multiple of 64 pages makes QEMU 7.2 sync its dirty bitmap page by page,
#   which keeps TCG's store tracking coherent; 262144 reproduces guest-CPU writes lost by QEMU (docs/architecture.md,
#   Migration).
#   --qemu-net: the control experiment: the guests use QEMU's own virtio-net on a UDP multicast socket netdev
#   (127.0.0.1) instead of vhost-user, so no back end is involved (--sock1/2/3 and --ctl are not needed and the
#   destination port's counter is not checked); the same stream, migration and memory check.
#   --churn (with --qemu-net): no traffic and no sender; the migrated guest's CPU keeps rewriting the same pages
#   (guest role churn: a shell loop counting in one process) while it is migrated; passes when the memory check does.
#   Prints "PASS qemu-migrate ..." with the migration time and the resume time, or "FAIL qemu-migrate <reason>"
#   with console tails (exit 1); KEEP_CONSOLES=DIR keeps the consoles, vhostd's log and, when RAM differed, both dumps.
#   Exit 4 (with a FAIL line) when the stream was not running across the whole migration (it ended before the
#   migration started or before the switch-over, e.g. on a heavily loaded machine): such an attempt proves
#   nothing about the back end, and the caller may run it again (vhostd-interop.sh does, once).
#   Needs interop/install-peers.sh to have run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sock1="" sock2="" sock3="" ctl="" announce=on timeout=480 mib=96 defaults=0 packed=off ram_kib=262136 net=vhost-user churn=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sock1) sock1=$2; shift 2 ;;
    --sock2) sock2=$2; shift 2 ;;
    --sock3) sock3=$2; shift 2 ;;
    --ctl) ctl=$2; shift 2 ;;
    --no-guest-announce) announce=off; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --qemu-defaults) defaults=1; shift ;;
    --packed) packed=on; shift ;;
    --ram-kib) ram_kib=$2; shift 2 ;;
    --qemu-net) net=qemu; shift ;;
    --churn) churn=1; shift ;;
    *) die "qemu-migrate: unknown argument $1" ;;
  esac
done
[ "$net" = qemu ] || { [ -n "$sock1" ] && [ -n "$sock2" ] && [ -n "$sock3" ] && [ -n "$ctl" ]; } \
  || die "qemu-migrate: --sock1/2/3 and --ctl are required"
[ "$churn" = 0 ] || [ "$net" = qemu ] || die "qemu-migrate: --churn needs --qemu-net"
mcast=239.255.$((RANDOM % 250)).$((RANDOM % 250 + 1)):$((20000 + RANDOM % 20000))
need_root qemu-migrate
need_cmd qemu-migrate qemu-system-x86_64 python3
read -r vmlinuz initrd < <("$INTEROP_DIR/guest/build-initramfs.sh" | tail -n1)
VHOSTCTL=${VHOSTCTL:-$REPO_ROOT/bin/vhostctl}

dir=$(make_run_dir migrate)
trap 'kill_all; rm -rf "$dir"' EXIT

# vm N SOCK NAME ROLE [QEMU ARGS...]: a guest with MAC …:0N on SOCK (console $dir/NAME.console, HMP monitor
# $dir/NAME.mon); prints nothing, records the pid in PIDS and in $dir/NAME.pid.
vm() {
  local n=$1 sock=$2 name=$3 role=$4 netdev; shift 4
  if [ "$net" = qemu ]; then netdev=(-netdev "socket,id=n0,mcast=$mcast,localaddr=127.0.0.1")
  else netdev=(-chardev "socket,id=c0,path=$sock,reconnect=1" -netdev vhost-user,id=n0,chardev=c0); fi
  setsid taskset -c 1 qemu-system-x86_64 -accel tcg -smp 1 -m "${ram_kib}K" -nographic -no-reboot \
    -object "memory-backend-memfd,id=mem,size=${ram_kib}K,share=on" -numa node,memdev=mem "${netdev[@]}" \
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0$n,vectors=0,guest_announce=$announce,packed=$packed" \
    -monitor "unix:$dir/$name.mon,server=on,wait=off" \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet mitigations=off vd.ip=10.0.0.$n/24 vd.peer=10.0.0.$((3 - n)) vd.role=$role vd.mib=$mib vd.linger=1" \
    "$@" < /dev/null > "$dir/$name.console" 2>&1 &
  PIDS+=($!); echo $! > "$dir/$name.pid"
}

# hmp NAME COMMAND: one human-monitor command on guest NAME's monitor; prints its answer.
hmp() {
  python3 - "$dir/$1.mon" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.settimeout(60); s.connect(sys.argv[1])
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
out = until_prompt()
print("\n".join(l for l in out.splitlines()[1:] if not l.startswith("(qemu)")))
PY
}

fail() {
  echo "FAIL qemu-migrate $*"
  [ -z "${KEEP_CONSOLES:-}" ] || cp "$dir"/*.console "$KEEP_CONSOLES"/ 2>/dev/null || true
  [ -z "${KEEP_CONSOLES:-}" ] || [ "$net" = qemu ] || cp "$(dirname "$ctl")/vhostd.log" "$KEEP_CONSOLES"/ 2>/dev/null || true
  tail_log sender "$dir/vm1.console"; tail_log source "$dir/src.console"; tail_log destination "$dir/dst.console"
  exit "${exit_code:-1}"
}
void_attempt() { exit_code=4 fail "$@"; }
md5_of() { sed -n 's/^VD:MD5 \([0-9a-f]*\).*/\1/p' "$dir/$1.console" | tr -d '\r' | head -n1; }
rx_packets() { "$VHOSTCTL" --socket "$ctl" --json queues vm3 2>/dev/null | tr -d ' \n' \
  | grep -o '"queue":"rxq0"[^}]*"packets":[0-9]*' | sed 's/.*"packets"://' | head -n1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# compare_memory: dumps the paused source's and the not yet started destination's RAM and fails on any page
# that differs (GPAs listed), or when the destination already runs.
compare_memory() {
  # the source says completed once it sent everything; the destination may still be loading the last pages
  until ! hmp dst "info status" | grep -q inmigrate; do deadline "the destination still loading"; sleep 0.2; done
  hmp dst "info status" | grep -q paused || fail "the destination runs before the memory check"
  # nothing may have reached the destination's memory through its port yet (its rings start with the cont)
  local rx=""; [ "$net" = qemu ] || rx=$(rx_packets)
  [ "${rx:-$rx0}" -le "$rx0" ] || fail "port vm3 received $((rx - rx0)) packets before the destination ran"
  # quoted: HMP reads an unquoted "/…" after a number as a division
  hmp src "pmemsave 0 $((ram_kib * 1024)) \"$dir/src.mem\"" > "$dir/pmemsave.out"
  hmp dst "pmemsave 0 $((ram_kib * 1024)) \"$dir/dst.mem\"" >> "$dir/pmemsave.out"
  [ -s "$dir/src.mem" ] && [ -s "$dir/dst.mem" ] || fail "pmemsave failed: $(tr '\n' ' ' < "$dir/pmemsave.out")"
  local diff
  diff=$(python3 - "$dir/src.mem" "$dir/dst.mem" <<'PY'
import sys
a, b = open(sys.argv[1], "rb"), open(sys.argv[2], "rb")
pages, page = [], 0
while True:
    x, y = a.read(1 << 20), b.read(1 << 20)
    if not x and not y:
        break
    if x != y:
        for i in range(0, max(len(x), len(y)), 4096):
            if x[i:i + 4096] != y[i:i + 4096]:
                pages.append(page + i // 4096)
    page += 256
detail = []
for p in pages[:4]:  # which bytes of the page differ: offset+length, source bytes / destination bytes
    a.seek(p * 4096); b.seek(p * 4096)
    x, y = a.read(4096), b.read(4096)
    d = [i for i in range(4096) if x[i] != y[i]]
    detail.append("%s:+%d..%d src=%s dst=%s" % (hex(p * 4096), d[0], d[-1], x[d[0]:d[0] + 16].hex(), y[d[0]:d[0] + 16].hex()))
print(len(pages), " ".join(hex(p * 4096) for p in pages[:16]), "|", "; ".join(detail))
PY
)
  if [ "${diff%% *}" != 0 ] && [ -n "${KEEP_CONSOLES:-}" ]; then mv "$dir/src.mem" "$dir/dst.mem" "$KEEP_CONSOLES"/; fi
  rm -f "$dir/src.mem" "$dir/dst.mem"
  [ "${diff%% *}" = 0 ] || fail "guest memory differs after the migration: ${diff%% *} pages, first at ${diff#* }"
  log "qemu-migrate: source and destination RAM identical ($ram_kib KiB)"
}

start=$SECONDS
deadline() { [ $((SECONDS - start)) -lt "$timeout" ] || fail "timeout after ${timeout}s: $1"; }
role=receiver vms="vm1 src dst"
[ "$churn" = 0 ] || { role=churn vms="src dst"; }
[ "$churn" = 1 ] || vm 1 "$sock1" vm1 sender
vm 2 "$sock2" src $role
vm 2 "$sock3" dst $role -S -incoming "unix:$dir/migration.sock"
started() { if [ "$churn" = 1 ]; then grep -q '^VD:CHURN' "$dir/src.console"; else [ -n "$(md5_of vm1)" ]; fi; }
# the sender has computed its file's md5 and starts streaming it (or the guest churns): migrate right away
until started; do
  grep -h '^VD:FAIL' "$dir"/*.console 2>/dev/null | head -n1 | grep . && fail "guest failed before the migration"
  for q in $vms; do kill -0 "$(cat "$dir/$q.pid")" 2>/dev/null || fail "QEMU $q exited: $(head -c 300 "$dir/$q.console")"; done
  deadline "the sender never started"; sleep 0.2
done
sleep 0.5
[ -z "$(md5_of src)" ] || void_attempt "the transfer ended before the migration started (raise --mib)"
rx0=0; [ "$net" = qemu ] || { rx0=$(rx_packets); rx0=${rx0:-0}; }
log "qemu-migrate: migrating the receiver (port vm2 -> vm3, guest_announce=$announce)"
t_start=$(now)
: > "$dir/migrate.out"
if [ "$defaults" = 0 ]; then
  hmp src "migrate_set_parameter max-bandwidth 1G" >> "$dir/migrate.out"
  hmp src "migrate_set_parameter downtime-limit 2000" >> "$dir/migrate.out"
fi
hmp src "migrate -d unix:$dir/migration.sock" >> "$dir/migrate.out"
grep -qi 'error\|disabled\|fail' "$dir/migrate.out" && fail "migrate refused: $(tr '\n' ' ' < "$dir/migrate.out")"
while true; do
  status=$(hmp src "info migrate" | sed -n 's/^Migration status: *//p' | tr -d '\r')
  case "$status" in
    completed) break ;;
    failed|cancelled) fail "migration $status: $(hmp src 'info migrate' | tr '\n' ' ')" ;;
  esac
  deadline "migration still $status"; sleep 0.2
done
t_done=$(now)
[ -z "$(md5_of src)" ] || void_attempt "the stream ended on the source before the switch-over (raise --mib)"
compare_memory
hmp src quit > /dev/null 2>&1 || true
if [ "$churn" = 1 ]; then echo "PASS qemu-migrate churn migration $(secs "$t_start" "$t_done")s, RAM identical"; exit 0; fi
hmp dst cont > /dev/null
t_cont=$(now)
# traffic resumes on the destination port: its RX counter moves within 5 s. A vhostctl call can take seconds on
# a loaded machine, so the arrival is only known to lie between the start of the last poll that saw no packet and
# the end of the first that saw one: a poll started 5 s or more after the cont that sees none fails the check.
t_nothing=$t_cont
while [ "$net" = vhost-user ]; do
  t_poll=$(now)
  [ "$(rx_packets)" -gt "$rx0" ] 2>/dev/null && break
  t_nothing=$t_poll
  [ "$(secs "$t_cont" "$t_poll" | cut -d. -f1)" -lt 5 ] || fail "no packet reached port vm3 within 5 s after the destination started"
  sleep 0.1
done
t_resumed=$(now)
until grep -q '^VD:DONE' "$dir/dst.console" && grep -q '^VD:DONE' "$dir/vm1.console"; do
  bad=$(grep -h '^VD:FAIL' "$dir/vm1.console" "$dir/dst.console" 2>/dev/null | head -n1 || true)
  [ -z "$bad" ] || fail "guest reported: $bad"
  deadline "no VD:DONE on sender and destination"; sleep 0.5
done
m1=$(md5_of vm1) m2=$(md5_of dst)
[ -n "$m2" ] && [ "$m1" = "$m2" ] || fail "md5 mismatch: sender=$m1 receiver=$m2"
resumed="traffic on the destination port $(secs "$t_cont" "$t_nothing")-$(secs "$t_cont" "$t_resumed")s after it started"
[ "$net" = vhost-user ] || resumed="QEMU's own virtio-net (no vhost-user)"
echo "PASS qemu-migrate ${mib}MiB md5=$m1 migration $(secs "$t_start" "$t_done")s, RAM identical, $resumed, guest_announce=$announce packed=$packed"
