#!/usr/bin/env bash
# TEST DOUBLE for the harness only -- not vhostd. Mimics bin/vhostd's command line and its
# stdout contract with DPDK's vhost PMD underneath, so the vhostd paths of vhostd-backend.sh,
# vhostd-interop.sh and bin/bench can be exercised before vhostd exists:
#   VHOSTD=interop/fake-vhostd.sh interop/vhostd-interop.sh
# Usage: fake-vhostd.sh --config FILE   (the one-line-per-port YAML vhostd-backend.sh writes)
#   forwarding switch -> testpmd io, sink -> rxonly; mode client -> client=1. Prints "vhostd: ready"
#   once every server socket exists; on SIGTERM prints "final port=<name> guest_tx_pkts=N
#   guest_tx_bytes=0 guest_rx_pkts=N guest_rx_bytes=0 drops=N drop.tx_full=N" per port, exits 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = --config ] && [ -f "${2:-}" ] || die "usage: fake-vhostd.sh --config FILE"
cfg=$2
field() { sed -n "s/.*$1: *\([^,} ]*\).*/\1/p"; }
mapfile -t names < <(grep -- '- { name:' "$cfg" | field name)
mapfile -t socks < <(grep -- '- { name:' "$cfg" | field socket)
mode=$(grep -- '- { name:' "$cfg" | field mode | head -n1)
queues=$(grep -- '- { name:' "$cfg" | field queue-pairs | head -n1)
fwd=io; grep -q '^forwarding: sink' "$cfg" && fwd=rxonly
client=0; [ "$mode" = client ] && client=1

log=$(dirname "$cfg")/fake-testpmd.log   # in the caller's run dir, so a SIGKILL leaves nothing behind
vdevs=() i=0
for s in "${socks[@]}"; do
  [ "$client" -eq 1 ] || rm -f "$s"
  vdevs+=(--vdev "net_vhost$i,iface=$s,queues=$queues,client=$client"); i=$((i + 1))
done
dpdk-testpmd --lcores '0@0,1@0' --no-pci --no-huge -m 256 --file-prefix="fake$$" "${vdevs[@]}" -- \
  --forward-mode="$fwd" --auto-start --stats-period 1 --nb-cores=1 --rxq="$queues" --txq="$queues" \
  --total-num-mbufs=32768 < /dev/null > "$log" 2>&1 &
tp=$!

finish() {
  kill -INT "$tp" 2>/dev/null || true
  wait "$tp" || true
  # Forward statistics per port: RX = taken from the guest's TX ring, TX = delivered, TX-dropped = drops.
  awk -v names="${names[*]}" '
    BEGIN { n = split(names, nm, " ") }
    /Forward statistics for port/ { port = $6 }
    /RX-packets:.*RX-dropped:/ && port != "" { rx[port] = $2 }
    /TX-packets:.*TX-dropped:/ && port != "" { tx[port] = $2; dr[port] = $4; port = "" }
    END { for (p = 0; p < n; p++) printf "final port=%s guest_tx_pkts=%d guest_tx_bytes=0 guest_rx_pkts=%d guest_rx_bytes=0 drops=%d drop.tx_full=%d\n", nm[p + 1], rx[p], tx[p], dr[p], dr[p] }
  ' "$log"
  rm -rf "$log" "${socks[@]}" "/var/run/dpdk/fake$$"
  exit 0
}
trap finish TERM INT

if [ "$client" -eq 0 ]; then
  for s in "${socks[@]}"; do wait_for 15 test -S "$s" || { cat "$log" >&2; exit 1; }; done
fi
echo "vhostd: ready"
while alive "$tp"; do sleep 0.2; done
cat "$log" >&2
exit 1
