#!/usr/bin/env bash
# check-release.sh TARBALL — the release tarball (bin/dist) as an operator meets it, and its recipes.
#   1. unpacked into a temp dir and run with PATH=/usr/bin:/bin, an empty HOME and only JAVA_HOME set:
#      bin/vhostd --print-default-config; vhostd started on that config (its own runtime dir);
#      bin/vhostctl status and ports (twice: the second call maps the CDS archive the first created);
#      vhostd stopped with SIGTERM (exit 0, management sockets gone); no JVM warning in any output
#   2. the systemd unit: its ExecStart line run (paths moved into the temp dir, RUNTIME_DIRECTORY set as
#      systemd sets it) and its required settings checked; systemd-analyze verify when present
#   3. the libvirt recipe: virt-xml-validate on the domain XML (libvirt-clients, installed via apt when
#      root; "SKIPPED: reason" otherwise), its sockets and vhostd's config name the same paths
# Exit 0 when every part passed; 1 with "FAIL: ..." otherwise.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/interop/lib.sh"
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: check-release.sh TARBALL" >&2; exit 2; }
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
t=$(make_run_dir release)
trap 'kill_all; rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; for f in "$t"/*.log; do [ -f "$f" ] && tail_log "$(basename "$f")" "$f"; done; exit 1; }
ok() { echo "ok: $*"; }

tar -C "$t" -xzf "$tarball"
app=$(echo "$t"/vhostd-*)
mkdir -m 0700 "$t/home"
# run ENV... -- CMD...: CMD with nothing of this shell's environment but PATH, HOME and JAVA_HOME
run() { local e=(); while [ "$1" != -- ]; do e+=("$1"); shift; done; shift
  env -i PATH=/usr/bin:/bin HOME="$t/home" JAVA_HOME="$JAVA_HOME" "${e[@]}" "$@"; }
quiet() { ! grep -E 'WARNING|warning:|\[warning\]' "$@" >/dev/null; }

# start_vhostd NAME RUNDIR ENV... -- CMD...: starts it in the background; waits for "vhostd: ready"
start_vhostd() { local n=$1 dir=$2; shift 2
  local e=(); while [ "$1" != -- ]; do e+=("$1"); shift; done; shift
  # env execs bin/vhostd, which execs java: $! is vhostd's pid
  env -i PATH=/usr/bin:/bin HOME="$t/home" JAVA_HOME="$JAVA_HOME" "${e[@]}" "$@" > "$t/$n.log" 2>&1 &
  echo $! > "$t/$n.pid"; PIDS+=("$(cat "$t/$n.pid")")
  wait_for 90 grep -q '^vhostd: ready' "$t/$n.log" || fail "$n: vhostd not ready"
  [ -S "$dir/vhostd.sock" ] || fail "$n: no management socket in $dir"
}
stop_vhostd() { local n=$1 dir=$2 pid rc=0; pid=$(cat "$t/$n.pid")
  kill -TERM "$pid"; wait "$pid" || rc=$?
  [ "$rc" = 0 ] || fail "$n: vhostd exited with $rc after SIGTERM"
  [ ! -e "$dir/vhostd.sock" ] || fail "$n: $dir/vhostd.sock left behind"
  quiet "$t/$n.log" || fail "$n: JVM warnings in vhostd's output: $(grep -m1 -i warning "$t/$n.log")"
}

# 1. the tarball
run RUNTIME_DIRECTORY="$t/run" -- "$app/bin/vhostd" --print-default-config > "$t/default.yaml" 2> "$t/print.log" \
  || fail "vhostd --print-default-config: exit $?"
grep -q "socket: $t/run/vm0.sock" "$t/default.yaml" || fail "default config without vm0 in the runtime dir"
sed -i 's/^\( *metrics:\).*/\1 127.0.0.1:0/' "$t/default.yaml"   # the default 9464 may be taken here
start_vhostd tarball "$t/run" RUNTIME_DIRECTORY="$t/run" -- "$app/bin/vhostd" --config "$t/default.yaml"
for cmd in status ports status ports; do
  run RUNTIME_DIRECTORY="$t/run" -- "$app/bin/vhostctl" "$cmd" > "$t/ctl-$cmd.out" 2> "$t/ctl.log" \
    || fail "vhostctl $cmd: exit $? $(cat "$t/ctl.log")"
  quiet "$t/ctl-$cmd.out" "$t/ctl.log" || fail "vhostctl $cmd: JVM warnings: $(cat "$t/ctl.log")"
done
grep -q '^forwarding: *switch' "$t/ctl-status.out" || fail "vhostctl status: $(head -3 "$t/ctl-status.out")"
grep -q 'vm0' "$t/ctl-ports.out" && grep -q 'vm1' "$t/ctl-ports.out" || fail "vhostctl ports: $(cat "$t/ctl-ports.out")"
ls "$t/home/.cache/vhostd/"vhostctl-*.jsa > /dev/null 2>&1 || fail "vhostctl left no CDS archive in the empty HOME's cache"
stop_vhostd tarball "$t/run"
ok "tarball: print-default-config, vhostd, vhostctl status + ports, stop (PATH=/usr/bin:/bin, empty HOME)"

# 2. the systemd unit
unit=$app/systemd/vhostd.service
for want in '^RuntimeDirectory=vhostd$' '^Restart=on-failure$' '^LimitMEMLOCK=' '^SystemCallFilter=@system-service$' \
    '^ProtectSystem=strict$' '^NoNewPrivileges=yes$'; do
  grep -q "$want" "$unit" || fail "vhostd.service: no line matching $want"
done
! grep -q '^MemoryDenyWriteExecute' "$unit" || fail "vhostd.service: MemoryDenyWriteExecute breaks the JVM's JIT"
if command -v systemd-analyze > /dev/null; then
  sed "s#/opt/vhostd#$app#g; s#/etc/vhostd/vhostd.yaml#$app/etc/vhostd.yaml#" "$unit" > "$t/vhostd.service"
  systemd-analyze verify --man=no "$t/vhostd.service" > "$t/verify.log" 2>&1 || true
  ! grep -v -e 'Failed to .*User' -e 'vhostd.*user' -e 'Documentation' "$t/verify.log" | grep -q "$t/vhostd.service:" \
    || fail "systemd-analyze verify: $(grep "$t/vhostd.service:" "$t/verify.log" | head -n 3)"
fi
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
java_home=$(sed -n 's/^Environment=JAVA_HOME=//p' "$unit")
[ -x "$java_home/bin/java" ] || java_home=$JAVA_HOME
sed "s#/run/vhostd/#$t/sd-run/#; s/^\( *metrics:\).*/\1 127.0.0.1:0/" "$app/etc/vhostd.yaml" > "$t/etc-vhostd.yaml"
exec_line=${exec_line//\/opt\/vhostd/$app}
exec_line=${exec_line//\/etc\/vhostd\/vhostd.yaml/$t/etc-vhostd.yaml}
mkdir -m 0711 "$t/sd-run"      # RuntimeDirectory=vhostd, RuntimeDirectoryMode=0711
read -r -a argv <<< "$exec_line"
JAVA_HOME=$java_home start_vhostd systemd "$t/sd-run" RUNTIME_DIRECTORY="$t/sd-run" -- "${argv[@]}"
run RUNTIME_DIRECTORY="$t/sd-run" -- "$app/bin/vhostctl" health > "$t/health.out" 2>&1 || fail "vhostctl health: $(cat "$t/health.out")"
[ -S "$t/sd-run/vm0.sock" ] || fail "systemd: no vm0.sock in the runtime directory"
stop_vhostd systemd "$t/sd-run"
ok "systemd: ExecStart=$(sed -n 's/^ExecStart=//p' "$unit") ran, served and stopped"

# 3. the libvirt recipe
"$here/check-libvirt.sh"
