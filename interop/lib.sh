# Shared helpers for the interop scripts (sourced, not run).
# shellcheck shell=bash

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INTEROP_DIR/.." && pwd)
CACHE=${CACHE:-$REPO_ROOT/.cache}

die() { echo "error: $*" >&2; exit 1; }
log() { echo "[$(date +%T)] $*" >&2; }

# is_root: true when running as uid 0.
is_root() { [ "$(id -u)" -eq 0 ]; }

# make_run_dir NAME: creates a per-run temp dir, prints its path.
make_run_dir() { mktemp -d "/tmp/vd-$1.XXXXXX"; }

# alive PID: true while PID runs (an unreaped zombie child counts as dead; kill -0 would say alive).
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# PIDS holds every process this script started; kill_all ends them (TERM, then KILL after 3 s).
PIDS=()
kill_all() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6; do
    local alive=0
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && alive "$p" && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.5
  done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
}

# wait_for TIMEOUT CMD...: polls CMD every 0.2 s until it succeeds or TIMEOUT seconds pass.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# wait_pid_exit PID TIMEOUT: waits for PID to end (not necessarily our child); 1 on timeout.
wait_pid_exit() {
  local deadline=$((SECONDS + $2))
  while alive "$1"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# tail_log NAME FILE: prints the last 30 lines of FILE, labelled.
tail_log() { echo "---- $1 ($2) ----" >&2; tail -n 30 "$2" >&2 2>/dev/null || true; }

# need_root NAME: prints SKIPPED and exits 0 when not root.
need_root() { is_root || { echo "SKIPPED: $1 needs root (DPDK/QEMU peers)"; exit 0; }; }

# need_cmd NAME CMD...: fails unless every CMD is on PATH.
need_cmd() { local n=$1 c; shift; for c in "$@"; do command -v "$c" >/dev/null || die "$n: $c not found (run interop/install-peers.sh)"; done; }

# parse_backend_args NAME ARGS...: the arguments dpdk-backend.sh and vhostd-backend.sh share. Sets
# dir, socks (array), fwd (io), queues (1), client (0|1), sig (TERM|KILL), dma ("" or an engine name),
# group (0|1), unsealed (""; cpu|allow: vhostd's dpdk.unsealed-memory). Fails on an unknown argument or
# without --dir.
parse_backend_args() {
  local name=$1; shift
  dir="" socks=() fwd=io queues=1 client=0 sig=TERM dma="" group=0 unsealed=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=$2; shift 2 ;;
      --sock) socks+=("$2"); shift 2 ;;
      --fwd) fwd=$2; shift 2 ;;
      --queues) queues=$2; shift 2 ;;
      --client) client=1; shift ;;
      --kill) sig=KILL; shift ;;
      --dma) dma=$2; shift 2 ;;
      --group) group=1; shift ;;
      --unsealed-memory) unsealed=$2; shift 2 ;;
      *) die "$name: unknown argument $1" ;;
    esac
  done
  [ -n "$dir" ] || die "$name: --dir is required"
}
