# Drives one interactive dpdk-testpmd front end (sourced by testpmd-loop.sh and testpmd-txonly.sh).
# shellcheck shell=bash
# Needs lib.sh. testpmd reads commands from a fifo held open on fd 3; its stdout is line-buffered
# (stdbuf) into $FE_LOG so the log is live. Every "show port stats all" becomes one block that
# fe_parse turns into "block=<k> port=<i> rx_packets=... tx_packets=... rx_pps=... tx_pps=..." lines.

FE_PID="" FE_LOG="" FE_PREFIX=""

# fe_start DIR NAME EAL_AND_APP_ARGS...: starts testpmd pinned to core 1 (front ends' core).
fe_start() {
  local dir=$1 name=$2; shift 2
  FE_LOG=$dir/$name.log FE_PREFIX=$name$$
  mkfifo "$dir/$name.in"
  setsid taskset -c 1 stdbuf -oL dpdk-testpmd --lcores '0@1,1@1' --no-pci --no-huge -m 256 \
    --file-prefix="$FE_PREFIX" "$@" < "$dir/$name.in" > "$FE_LOG" 2>&1 &
  FE_PID=$!
  PIDS+=("$FE_PID")
  exec 3> "$dir/$name.in"
}

prompt_or_dead() { grep -q 'testpmd> ' "$FE_LOG" || ! alive "$FE_PID"; }

# fe_cmd CMD: sends one command line.
fe_cmd() { echo "$*" >&3; }

# fe_wait_prompt TIMEOUT: waits until testpmd shows its first prompt (ports configured).
fe_wait_prompt() {
  wait_for "$1" prompt_or_dead && alive "$FE_PID"
}

# fe_count PATTERN: how many log lines match.
fe_count() { grep -c "$1" "$FE_LOG" 2>/dev/null || true; }

# fe_show_stats PORTS: "show port stats all" and waits (≤ 5 s) until the block for every port printed.
fe_show_stats() {
  local ports=$1 before; before=$(fe_count 'Tx-pps:')
  fe_cmd "show port stats all"
  wait_for 5 fe_has_count 'Tx-pps:' $((before + ports))
}

# fe_has_count PATTERN N: true once at least N log lines match (re-evaluated on every poll).
fe_has_count() { [ "$(fe_count "$1")" -ge "$2" ]; }

# fe_quit PORTS: stop, final stats, quit; waits ≤ 15 s for exit (then kills). Sets FE_PID="".
fe_quit() {
  local ports=$1
  fe_cmd "stop"
  fe_show_stats "$ports" || true
  fe_cmd "quit"
  exec 3>&-
  wait_pid_exit "$FE_PID" 15 || kill -KILL "$FE_PID" 2>/dev/null || true
  fe_cleanup
  FE_PID=""
}

# fe_cleanup: removes the runtime dir EAL leaves behind (also called from the scripts' EXIT traps).
fe_cleanup() { if [ -n "$FE_PREFIX" ]; then rm -rf "/var/run/dpdk/$FE_PREFIX"; fi; }

# fe_parse: one line per (stats block, port) from the log.
fe_parse() {
  awk '
    /NIC statistics for port/ { match($0, /port [0-9]+/); port = substr($0, RSTART + 5, RLENGTH - 5); if (port == 0) block++ }
    /RX-packets:.*RX-missed:/ { rx = $2; miss = $4 }
    /TX-packets:.*TX-errors:/ { tx = $2; terr = $4 }
    /Rx-pps:/ { rxpps = $2 }
    /Tx-pps:/ { printf "block=%d port=%s rx_packets=%s tx_packets=%s rx_missed=%s tx_errors=%s rx_pps=%s tx_pps=%s\n", block, port, rx, tx, miss, terr, rxpps, $2 }
  ' "$FE_LOG"
}

# fe_report PORTS: prints the final counters per port and the totals; returns 1 unless every port
# received (mode "rx") or transmitted (mode "tx") something.
fe_report() {
  local ports=$1 mode=$2
  fe_parse | awk -v ports="$ports" -v mode="$mode" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } last = v["block"]
      b[v["block"], v["port"]] = $0; rx[v["block"], v["port"]] = v["rx_packets"]; tx[v["block"], v["port"]] = v["tx_packets"]
      miss[v["block"], v["port"]] = v["rx_missed"]; terr[v["block"], v["port"]] = v["tx_errors"] }
    END {
      ok = (last > 0)
      for (p = 0; p < ports; p++) {
        printf "testpmd port=%d rx_packets=%d tx_packets=%d rx_missed=%d tx_errors=%d\n", p, rx[last, p], tx[last, p], miss[last, p], terr[last, p]
        trx += rx[last, p]; ttx += tx[last, p]; tmiss += miss[last, p]; terrs += terr[last, p]
        if (mode == "rx" && rx[last, p] + 0 <= 0) ok = 0
        if (mode == "tx" && tx[last, p] + 0 <= 0) ok = 0
      }
      printf "testpmd total rx_packets=%d tx_packets=%d rx_missed=%d tx_errors=%d\n", trx, ttx, tmiss, terrs
      exit ok ? 0 : 1
    }'
}

# fe_samples PORTS: per-second samples (every block but the baseline and the final one):
# "sample=<k> rx_pps=<sum over ports> tx_pps=<sum>".
fe_samples() {
  local ports=$1
  fe_parse | awk -v ports="$ports" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      r[v["block"]] += v["rx_pps"]; t[v["block"]] += v["tx_pps"]; if (v["block"] > last) last = v["block"] }
    END { for (k = 2; k < last; k++) printf "sample=%d rx_pps=%d tx_pps=%d\n", k - 1, r[k], t[k] }'
}

# fe_measure NAME PORTS START_CMD WARMUP SECONDS TIMEOUT FIGURE: waits for the prompt, starts the
# traffic, samples "show port stats" once a second for SECONDS after WARMUP, quits, and reports the
# FIGURE (rx|tx) over PORTS ports; returns non-zero (log tail printed) when something failed.
fe_measure() {
  local name=$1 ports=$2 start=$3 warmup=$4 seconds=$5 timeout=$6 figure=$7
  if ! fe_wait_prompt "$timeout"; then
    echo "FAIL $name: no testpmd prompt within ${timeout}s (back end not reachable?)"
    tail_log testpmd "$FE_LOG"; return 1
  fi
  fe_cmd "$start"
  sleep "$warmup"
  fe_show_stats "$ports" || true
  for _ in $(seq "$seconds"); do sleep 1; fe_show_stats "$ports" || true; done
  fe_quit "$ports"
  fe_samples "$ports"
  if ! fe_report "$ports" "$figure"; then tail_log testpmd "$FE_LOG"; return 1; fi
}
