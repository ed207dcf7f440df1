# Helpers shared by the example scripts (sourced, not run). Builds on interop/lib.sh (die, log,
# wait_for, alive, kill_all/PIDS, need_root, need_cmd, make_run_dir, tail_log).
# shellcheck shell=bash

EXAMPLES_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$EXAMPLES_SCRIPTS/../../interop/lib.sh"
VHOSTD=${VHOSTD:-$REPO_ROOT/bin/vhostd}
VHOSTCTL=${VHOSTCTL:-$REPO_ROOT/bin/vhostctl}
VHOSTD_PID="" VHOSTD_LOG=""

# build_tree: selects JDK 25 and builds the project when a source changed (what bin/vhostd does on
# first use — done up front so that vhostd's start-up wait below does not include a Maven build).
build_tree() {
  # shellcheck source=../../bin/lib/jdk.sh
  . "$REPO_ROOT/bin/lib/jdk.sh"
  select_jdk
  ensure_built examples
}

# vhostd_start CONFIG LOG: runs "bin/vhostd --config CONFIG" in its own session, pinned to core 0 (the
# front ends get core 1), output into LOG; waits (≤ 120 s) for "vhostd: ready". Sets VHOSTD_PID.
vhostd_start() {
  VHOSTD_LOG=$2
  setsid taskset -c 0 "$VHOSTD" --config "$1" < /dev/null > "$VHOSTD_LOG" 2>&1 &
  VHOSTD_PID=$!
  PIDS+=("$VHOSTD_PID")
  if ! wait_for 120 vhostd_ready_or_dead || ! alive "$VHOSTD_PID"; then
    tail_log vhostd "$VHOSTD_LOG"; die "vhostd did not get ready"
  fi
}
vhostd_ready_or_dead() { grep -q '^vhostd: ready' "$VHOSTD_LOG" || ! alive "$VHOSTD_PID"; }

# vhostd_socket: the management socket that serves every RPC, as vhostd printed it
# ("vhostd: management socket PATH (every RPC, ...)").
vhostd_socket() { sed -n 's/^vhostd: management socket \([^ ]*\) (every RPC.*/\1/p' "$VHOSTD_LOG" | head -n1; }

# vhostd_stop: SIGTERM (vhostd prints its "final ..." lines and removes its sockets), waits ≤ 15 s,
# then SIGKILL. Prints the final lines; returns vhostd's exit code (1 when it had to be killed).
vhostd_stop() {
  [ -n "$VHOSTD_PID" ] || return 0
  local rc=0
  kill -TERM "$VHOSTD_PID" 2>/dev/null || true
  if wait_pid_exit "$VHOSTD_PID" 15; then wait "$VHOSTD_PID" || rc=$?
  else kill -KILL "$VHOSTD_PID" 2>/dev/null || true; rc=1; echo "vhostd needed SIGKILL" >&2; fi
  VHOSTD_PID=""
  grep -E '^final ' "$VHOSTD_LOG" || true
  return "$rc"
}
