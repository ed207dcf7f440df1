#!/usr/bin/env bash
# The interop tier: real DPDK and QEMU peers against the back end (bin/vhostd by default).
#
# Usage: interop/vhostd-interop.sh [--only a,b,...|NAME,...]
#   BACKEND=vhostd (default; runs $VHOSTD, default bin/vhostd) or BACKEND=dpdk (DPDK's vhost PMD,
#   to validate the harness itself). Scenarios, each printing "PASS <name> (<s>s)" or "FAIL <name> ...":
#   a loop-accounting  testpmd loop through two server ports (switch) for 5 s; then SIGTERM the back
#                      end and balance the ledger [vhostd only]: per port, testpmd tx - vhostd took
#                      and vhostd delivered - testpmd rx each in [0, 256] (ring contents), and
#                      vhostd took = delivered + drops exactly (see loop_accounting)
#   b sink-mq          testpmd txonly into a sink port, --queues 2 --mrg 0; back end took what
#                      testpmd sent, minus at most the ring contents                [count check vhostd only]
#   c client-mode      testpmd listens (server=1), the back end connects (mode: client); loop 3 s
#   d qemu-restart     two QEMU guests (reconnect=1): ping + 4 MiB md5 transfer, then the back end
#                      is killed (SIGKILL) and restarted with the same config; pings must resume in 10 s
#   e qemu-client      QEMU listens (server=on,wait=off), the back end connects (mode: client);
#                      ping + 4 MiB md5 transfer
#   f loop-dma-sw      scenario a with both ports in one access group and every queue bound to a
#                      `sw`-engine DMA channel: the same ledger, and from vhostd's final lines
#                      [vhostd only]: dma_copies > 0, dma_errors = 0, every channel completed =
#                      submitted with errors = 0, and no host-memory pair (bytes.0->N / N->0)
#   g qemu-dma-group   two QEMU guests, both ports in one access group, every queue bound to a
#                      `sw`-engine channel: ping + 4 MiB md5 transfer; then [vhostd only] the same
#                      final-line checks as f: guest->guest bytes counted on the rxq channels and
#                      no host-memory pair on them
#   h examples-qemu    examples/scripts/qemu-two-guests.sh (two guests, one group, DMA-bound queues):
#                      its RESULT ok (pings both ways, md5), then from its vhostd final lines: both
#                      ports took and received packets, no error drops, and the dma_checks of f
#   i examples-testpmd examples/scripts/testpmd-interop.sh (testpmd loop through vhostd): exit 0, and
#                      the ledger of a (loop_accounting) balances on the figures the script printed
#   j examples-rebind  examples/scripts/live-rebind.sh (vhostctl bind/unbind while testpmd loops):
#                      every "check" line ok (vhostctl exit codes, the new channel shown, the queue's
#                      packet counter growing after each change, events received)
#   t testpmd-restart  one sink port; testpmd txonly is started 5 times back to back (each run's close
#                      and the next one's connect overlap the back end's teardown): every run connects
#                      and sends, and [vhostd only] the back end took packets and refused no connection
#   r dpdk-engine      engine dpdk (DPDK skeleton dmadevs, one per RX queue: vhostd-backend.sh --dma dpdk):
#                      two QEMU guests in one group, both RX queues bound: ping + 4 MiB md5, then the
#                      dma_checks of f and dpdk_checks (each dmadev's dpdk.completed = the channel's
#                      completed > 0; no dma_unsealed_fallback: QEMU seals its memfds); then the testpmd
#                      loop with the same config: testpmd's memory is not sealed, so both RX queues take
#                      the CPU path, counted (dma_unsealed_fallback=1 per port, no channel moved), ledger of
#                      a; then the loop again with dpdk.unsealed-memory: allow: ledger, dma_checks, dpdk_checks
#   s dmabuf-kernel    interop/dmabuf-kernel.sh: Debian's 6.12 kernel (udmabuf built in) under QEMU TCG
#                      with the host tree shared read-only (9p): the udmabuf-dependent JUnit tests and a
#                      vhostd + Java front end check (sealed memfd registered as a dma-buf, frames byte-exact
#                      over a DMA-bound queue); its PASS/FAIL/SKIPPED line
#   l migrate-dma      three ports, every queue bound to a `sw`-engine channel in one access group
#                      (interop/qemu-migrate.sh): vm1 streams 96 MiB over TCP to vm2, whose QEMU is
#                      live-migrated (-S -incoming + migrate) to a QEMU on vm3 mid-stream: migration
#                      completes, source and destination RAM are identical before the destination runs,
#                      vm3's port receives packets within 5 s of its start, the md5 matches; then f's dma_checks
#                      (an attempt whose stream did not span the migration, exit 4, is run once more)
#   m migrate-cpu      the same with CPU copies and guest_announce=off: vhostd must log the SEND_RARP
#                      announcement of the receiver's MAC on vm3
#   n memory-hotplug   interop/qemu-hotplug.sh: object_add memory-backend-memfd + device_add pc-dimm on vm2
#                      while the guests ping: vhostctl port vm2 lists one more region, pings continue
#   o packed-loop      scenario a with virtio-user packed_vq=1,in_order=1 (packed rings): the ledger with
#                      CPU copies, then again with every queue bound to a `sw`-engine channel and both
#                      ports in one group (the ledger and the dma_checks of f), then split rings with
#                      in_order=1 (ledger); [vhostd only] vhostd's log shows RING_PACKED and IN_ORDER
#                      (split: IN_ORDER) negotiated on both ports
#   p qemu-packed      two QEMU guests with virtio-net-pci packed=on,host_mtu=1400 and QEMU's default offloads:
#                      ping + 8 MiB md5 transfer; both guests' eth0 MTU is 1400; [vhostd only] vhostd's log
#                      (the feature names vhostctl ports shows) has RING_PACKED, MTU, CSUM, GUEST_CSUM,
#                      GUEST_TSO4 and HOST_TSO4 negotiated on both ports, port_traffic_checks (no error drops),
#                      and the receiver's final line gso_frames > 0 (TSO frames larger than the MTU crossed whole);
#                      then again with vm2 mrg_rxbuf=off: TSO frames land whole in Linux's big-packet chains
#   q offload-fallback vm1 with QEMU's default offloads sends 8 MiB (md5) to vm2 with every offload off
#                      (csum=off,guest_csum=off,gso=off,guest_tso4=off,...): [vhostd only] vm2's port negotiated
#                      none of CSUM/GUEST_CSUM/GUEST_TSO4/HOST_TSO4, no error drops, and vm2's final line has
#                      csum_fixups > 0 and gso_segmented > 0 (vhostd completed checksums and segmented TSO frames)
#   h-k, r run bin/vhostd themselves (r through vhostd-backend.sh): with BACKEND=dpdk they print "SKIPPED <name>".
#   --only takes letters or names (--only r,dmabuf-kernel). Takes about 14 minutes (r ~1.5-2.7 min, s ~2.5 min, p ~1.5 min, q ~50 s, t ~20 s, l/m/n ~2.5-3 min together).
#   Exit 1 if any scenario failed. Not root: "SKIPPED: ..." and exit 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

only=a,b,c,d,e,f,g,h,i,j,k,t,r,s,l,m,n,o,p,q

while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=$2; shift 2 ;;
    *) die "vhostd-interop: unknown argument $1" ;;
  esac
done
need_root vhostd-interop
"$INTEROP_DIR/install-peers.sh" >/dev/null
BACKEND=${BACKEND:-vhostd}
case "$BACKEND" in
  vhostd) be=$INTEROP_DIR/vhostd-backend.sh ;;
  dpdk) be=$INTEROP_DIR/dpdk-backend.sh ;;
  *) die "BACKEND must be vhostd or dpdk" ;;
esac

run=$(make_run_dir interop)
cleanup() { local d; for d in "$run"/*/; do [ -d "$d" ] && { "$be" stop --dir "$d" >/dev/null 2>&1 || true; }; done; kill_all; rm -rf "$run"; }
trap cleanup EXIT
RING=256   # virtio-user's default queue size
QEMU_DMA_ENGINE=${QEMU_DMA_ENGINE:-sw}   # scenario g
failed=0
pass() { echo "PASS $1 ($((SECONDS - t0))s)"; }
fail() { echo "FAIL $1 ($((SECONDS - t0))s): $2"; failed=1; }
val() { sed -n "s/.*[ ]$1=\([0-9-]*\).*/\1/p" | head -n1; }
sum_final() { grep '^final port=' "$1" | sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'; }

scenario_loop() { loop_ledger a loop-accounting; }

# o: the loop of a on packed rings (CPU copies, sw-engine bindings) and on split rings with IN_ORDER (see the header).
scenario_packed_loop() {
  local run_ name devargs
  for run_ in packed-cpu packed-sw inorder-cpu; do
    local t0=$SECONDS
    name=packed-loop-$run_ devargs=packed_vq=1,in_order=1 PACKED_FEATURES="RING_PACKED IN_ORDER"
    [ "$run_" = inorder-cpu ] && devargs=in_order=1 PACKED_FEATURES=IN_ORDER
    LOOP_ARGS=(--devargs "$devargs") LOOP_CHECK=""
    [ "$BACKEND" = vhostd ] && LOOP_CHECK=packed_checked
    if [ "$run_" = packed-sw ]; then loop_ledger "o-$run_" "$name" --dma sw --group; else loop_ledger "o-$run_" "$name"; fi
    LOOP_ARGS=() LOOP_CHECK=""
  done
}

# p: Linux guests on packed rings, learning their MTU from QEMU (see the header); twice: vm2 with mergeable
# RX buffers, then with mrg_rxbuf=off (TSO frames land in Linux's big-packet chains).
scenario_qemu_packed() {
  local t0=$SECONDS; qemu_packed_run p-mrg qemu-packed ""
  t0=$SECONDS; qemu_packed_run p-big qemu-packed-big-packets ",mrg_rxbuf=off"
}
qemu_packed_run() {
  local d=$run/$1 name=$2 errs=""; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if ! "$INTEROP_DIR/qemu-pair.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 --mib 8 \
       --net-opts ",packed=on,host_mtu=1400" --net-opts2 "$3" > "$d/qemu.out" 2>&1; then
    "$be" stop --dir "$d" > /dev/null 2>&1 || true
    fail "$name" "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; return
  fi
  sed -n 's/^PASS qemu-pair /  /p' "$d/qemu.out"
  grep -q '^PASS qemu-pair .* mtu=1400,1400$' "$d/qemu.out" || errs+="a guest's MTU is not 1400; "
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || errs+="back end stop failed; "
  if [ "$BACKEND" = vhostd ]; then
    PACKED_FEATURES="RING_PACKED MTU CSUM GUEST_CSUM GUEST_TSO4 HOST_TSO4"
    local checks; checks=$(packed_checked "$d"; port_traffic_checks "$d/final.out"; offload_checks "$d/final.out" gso_frames)
    if [ -n "$3" ] && cat "$d"/vhostd.log* | grep -E '^vhostd: port=vm2 features=' | grep -q MRG_RXBUF; then
      checks+=$'\n'"ERR vm2 negotiated MRG_RXBUF (expected big packets)"
    fi
    grep -v '^ERR ' <<< "$checks" || true
    errs+=$(sed -n 's/^ERR //p' <<< "$checks" | tr '\n' ' ')
  fi
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# q: the software fallback carries real traffic (see the header).
QEMU_OFFLOADS_OFF=",csum=off,guest_csum=off,gso=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off"
QEMU_OFFLOADS_OFF+=",host_tso4=off,host_tso6=off,host_ecn=off,host_ufo=off"
scenario_offload_fallback() {
  local d=$run/q name=offload-fallback errs=""; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if ! "$INTEROP_DIR/qemu-pair.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 --mib 8 \
       --net-opts2 "$QEMU_OFFLOADS_OFF" > "$d/qemu.out" 2>&1; then
    "$be" stop --dir "$d" > /dev/null 2>&1 || true
    fail "$name" "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; return
  fi
  sed -n 's/^PASS qemu-pair /  /p' "$d/qemu.out"
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || errs+="back end stop failed; "
  if [ "$BACKEND" = vhostd ]; then
    local checks; checks=$(port_traffic_checks "$d/final.out"; offload_checks "$d/final.out" csum_fixups gso_segmented)
    local f; for f in CSUM GUEST_CSUM GUEST_TSO4 HOST_TSO4; do
      cat "$d"/vhostd.log* 2>/dev/null | grep -E '^vhostd: port=vm2 features=' | grep -qE "[=,]$f(,|\$)" \
        && checks+=$'\n'"ERR vm2 negotiated $f"
    done
    grep -v '^ERR ' <<< "$checks" || true
    errs+=$(sed -n 's/^ERR //p' <<< "$checks" | tr '\n' ' ')
  fi
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# offload_checks FINAL_OUT KEY...: vm2's (the receiver's) final line; "ERR" unless every KEY is > 0 there.
offload_checks() {
  local line k v; line=$(grep '^final port=vm2 ' "$1" | head -n1); shift
  echo "  vm2 offload work:$(grep -o ' \(csum_fixups\|gso_segmented\|gso_frames\)=[0-9]*' <<< "$line" | tr -d '\n')"
  for k in "$@"; do
    v=$(val "$k" <<< "$line"); [ "${v:-0}" -gt 0 ] || echo "ERR vm2 $k=${v:-absent}, expected > 0"
  done
}

# packed_checked DIR: the negotiated features of both ports; "ERR" unless both have every $PACKED_FEATURES.
packed_checked() {
  local out; out=$(features_of "$1" $PACKED_FEATURES)
  sed -n 's/^vhostd: /  /p' <<< "$out"
  [ "$(tail -n1 <<< "$out")" = ok ] || echo "ERR $PACKED_FEATURES not negotiated on both ports"
}

# features_of DIR NAME...: the "vhostd: port=P features=..." lines of DIR's vhostd logs (one per
# connection; a stopped vhostd's log is vhostd.log.<time>), then "ok" when both ports vm1 and vm2 negotiated every feature NAME, else "missing".
features_of() {
  local d=$1 p f lines ok=ok; shift
  lines=$(cat "$d"/vhostd.log* 2>/dev/null | grep -E '^vhostd: port=vm[12] features=' || true)
  for p in vm1 vm2; do
    grep -q "^vhostd: port=$p " <<< "$lines" || ok=missing
    for f in "$@"; do grep -E "^vhostd: port=$p " <<< "$lines" | grep -qE "[=,]$f(,|\$)" || ok=missing; done
  done
  printf '%s\n%s\n' "$lines" "$ok"
}
scenario_loop_dma() { loop_ledger f loop-dma-sw --dma sw --group; }

# loop_ledger DIR NAME [BACK END OPTIONS...]: the testpmd loop, then the ledger (and with --dma the
# DMA checks of dma_checks) from testpmd's counters and vhostd's final lines. LOOP_ARGS (an array, empty
# by default) are passed on to testpmd-loop.sh; LOOP_CHECK (a function name, empty by default) runs with
# DIR after the ledger and prints further "ERR ..." findings.
LOOP_ARGS=() LOOP_CHECK=""
loop_ledger() {
  local d=$run/$1 name=$2; shift 2; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io "$@" > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  "$INTEROP_DIR/testpmd-loop.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --seconds 5 ${LOOP_ARGS[@]+"${LOOP_ARGS[@]}"} > "$d/fe.out" 2>&1 \
    || { "$be" stop --dir "$d" > /dev/null 2>&1 || true; fail "$name" "no loop traffic: $(tail -n 3 "$d/fe.out" | tr '\n' ' ')"; return; }
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { fail "$name" "back end stop: $(tail -n1 "$d/final.out")"; return; }
  local tx rx; tx=$(grep '^testpmd total' "$d/fe.out" | val tx_packets); rx=$(grep '^testpmd total' "$d/fe.out" | val rx_packets)
  if [ "$BACKEND" != vhostd ]; then echo "  accounting: testpmd tx=$tx rx=$rx (drop counters only checked for vhostd)"; pass "$name"; return; fi
  sed 's/^/  /' "$d/final.out"
  local ledger errs; ledger=$(loop_accounting "$d/fe.out" "$d/final.out")
  [[ " $* " == *" --dma "* ]] && ledger+=$'\n'$(dma_checks "$d/final.out")
  [ -n "$LOOP_CHECK" ] && ledger+=$'\n'$("$LOOP_CHECK" "$d")
  grep -v '^ERR ' <<< "$ledger" || true
  errs=$(sed -n 's/^ERR //p' <<< "$ledger" | tr '\n' ' ')
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# dma_checks FINAL_OUT: for a run with every queue bound and both ports in one access group, prints
# the DMA figures, then "ERR <violations>" unless: sum dma_copies > 0, sum dma_errors = 0; every
# "final dma channel=" line has completed = submitted and errors = 0; guest->guest bytes (both
# handles >= 1) were counted on the rxq channels (even channel numbers: vhostd-backend.sh binds
# rxq<q> of port i to dma0/2(i*queues+q)); no channel moved bytes from or to host memory (handle 0).
dma_checks() {
  awk '
    /^final port=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      copies += f["dma_copies"]; errs += f["dma_errors"]; pkts += f["guest_rx_pkts"]; delete f }
    /^final dma channel=/ { lines++
      for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      split(f["channel"], ch, "/"); rxq = (ch[1] ~ /^dpdk[0-9]+$/) ? 1 : (ch[2] % 2 == 0)  # --dma dpdk: RX queues only
      if (f["completed"] != f["submitted"]) err = err sprintf("%s completed=%s != submitted=%s; ", f["channel"], f["completed"], f["submitted"])
      if (f["errors"] != 0) err = err sprintf("%s errors=%s; ", f["channel"], f["errors"])
      for (k in f) if (k ~ /^bytes\./) {
        split(substr(k, 7), h, "->")
        if (h[1] == 0 || h[2] == 0) err = err sprintf("%s moved host memory: %s=%s; ", f["channel"], k, f[k])
        else if (rxq) g2g += f[k]
      }
      delete f }
    END {
      printf "  dma: copies=%d errors=%d delivered=%d copies/pkt=%.2f; channel lines=%d, guest->guest bytes on rxq channels=%d\n", copies, errs, pkts, pkts ? copies / pkts : 0, lines, g2g
      if (copies <= 0) err = err "no DMA copies counted (dma_copies = 0); "
      if (errs != 0) err = err sprintf("dma_errors=%d; ", errs)
      if (lines == 0) err = err "no final dma channel= lines; "
      if (g2g <= 0) err = err "no guest->guest bytes on the rxq channels; "
      if (err != "") print "ERR " err
    }' "$1"
}

# loop_accounting FE_OUT FINAL_OUT: prints the ledger, then "ERR <violations>" when it does not balance.
# Per port p (vm<p+1> = testpmd port p), with RING descriptors per ring:
#   0 <= testpmd tx[p] - vhostd took[p] <= RING   (left unconsumed in the guest TX ring)
#   0 <= vhostd guest_rx[p] - testpmd rx[p] <= RING   (delivered, not yet polled by testpmd)
# and inside vhostd, exactly: sum took = sum guest_rx + sum drops. took = guest_tx_pkts plus the chains
# dropped as they were taken, never counted in guest_tx_pkts (tx_disabled: testpmd sent on a ring that
# was disabled, which a loaded machine shows around start and stop; tx_bad_frame, tx_bad_offload).
loop_accounting() {
  awk -v ring="$RING" '
    FNR == NR && /^testpmd port=/ { split("", f); for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      p = f["port"]; ftx[p] = f["tx_packets"]; frx[p] = f["rx_packets"]; next }
    FNR != NR && /^final port=/ { split("", f); for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      p = substr(f["port"], 3) - 1; grx[p] = f["guest_rx_pkts"]; dr += f["drops"]; n++
      gtx[p] = f["guest_tx_pkts"] + f["drop.tx_disabled"] + f["drop.tx_bad_frame"] + f["drop.tx_bad_offload"] }
    END {
      for (p = 0; p < 2; p++) {
        left = ftx[p] - gtx[p]; unpolled = grx[p] - frx[p]
        printf "  port %d: testpmd tx=%d rx=%d; vhostd took=%d delivered=%d -> left in TX ring %d, unpolled in RX ring %d (bound %d)\n", p, ftx[p], frx[p], gtx[p], grx[p], left, unpolled, ring
        if (left < 0 || left > ring) err = err sprintf("port %d: tx-taken=%d outside [0,%d]; ", p, left, ring)
        if (unpolled < 0 || unpolled > ring) err = err sprintf("port %d: delivered-rx=%d outside [0,%d]; ", p, unpolled, ring)
        st += gtx[p]; sr += grx[p]
      }
      printf "  vhostd: took %d = delivered %d + drops %d ? (difference %d)\n", st, sr, dr, st - sr - dr
      if (n != 2) err = err sprintf("expected 2 final port lines, got %d; ", n)
      if (st != sr + dr) err = err sprintf("vhostd lost %d packets (took - delivered - drops); ", st - sr - dr)
      if (err != "") print "ERR " err
    }' "$1" "$2"
}

scenario_sink() {
  local d=$run/b; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --fwd rxonly --queues 2 > "$d/start.out" 2>&1 \
    || { fail sink-mq "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  "$INTEROP_DIR/testpmd-txonly.sh" --sock "$d/vm1.sock" --queues 2 --mrg 0 --seconds 3 > "$d/fe.out" 2>&1 \
    || { "$be" stop --dir "$d" > /dev/null 2>&1 || true; fail sink-mq "no packets sent: $(tail -n 3 "$d/fe.out" | tr '\n' ' ')"; return; }
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { fail sink-mq "back end stop: $(tail -n1 "$d/final.out")"; return; }
  local tx; tx=$(grep '^testpmd total' "$d/fe.out" | val tx_packets)
  if [ "$BACKEND" != vhostd ]; then echo "  testpmd tx=$tx"; pass sink-mq; return; fi
  local taken open bound=$((256 * 2)); taken=$(sum_final "$d/final.out" guest_tx_pkts); open=$((tx - taken))
  echo "  testpmd tx=$tx; vhostd took=$taken; left in rings=$open (bound $bound)"
  if [ "$open" -lt 0 ] || [ "$open" -gt "$bound" ]; then fail sink-mq "tx - taken = $open outside [0, $bound]"; else pass sink-mq; fi
}

scenario_client() {
  local d=$run/c; mkdir -p "$d"
  "$INTEROP_DIR/testpmd-loop.sh" --server --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --seconds 3 \
    --connect-timeout 120 > "$d/fe.out" 2>&1 &
  local fe=$!; PIDS+=("$fe")
  wait_for 30 test -S "$d/vm1.sock" || true
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --client > "$d/start.out" 2>&1 \
    || { fail client-mode "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if wait "$fe"; then grep '^testpmd total' "$d/fe.out" | sed 's/^/  /'; pass client-mode
  else fail client-mode "$(tail -n 3 "$d/fe.out" | tr '\n' ' ')"; fi
  "$be" stop --dir "$d" > /dev/null 2>&1 || true
}

scenario_qemu() {
  local d=$run/d; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io > "$d/start.out" 2>&1 \
    || { fail qemu-restart "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if "$INTEROP_DIR/qemu-pair.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 \
       --restart-hook "$be restart --kill --dir $d" > "$d/qemu.out" 2>&1; then
    sed -n 's/^PASS qemu-pair /  /p' "$d/qemu.out"; pass qemu-restart
  else fail qemu-restart "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; fi
  "$be" stop --dir "$d" > /dev/null 2>&1 || true
}

scenario_qemu_client() {
  local d=$run/e; mkdir -p "$d"
  "$INTEROP_DIR/qemu-pair.sh" --qemu-listens --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 > "$d/qemu.out" 2>&1 &
  local q=$!; PIDS+=("$q")
  wait_for 30 test -S "$d/vm2.sock" || true
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --client > "$d/start.out" 2>&1 \
    || { fail qemu-client "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if wait "$q"; then sed -n 's/^PASS qemu-pair /  /p' "$d/qemu.out"; pass qemu-client
  else fail qemu-client "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; fi
  "$be" stop --dir "$d" > /dev/null 2>&1 || true
}

scenario_qemu_dma() {
  local d=$run/g name=qemu-dma-group; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --dma "$QEMU_DMA_ENGINE" --group > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if ! "$INTEROP_DIR/qemu-pair.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 > "$d/qemu.out" 2>&1; then
    "$be" stop --dir "$d" > /dev/null 2>&1 || true
    fail "$name" "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; return
  fi
  sed -n 's/^PASS qemu-pair /  /p' "$d/qemu.out"
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { fail "$name" "back end stop: $(tail -n1 "$d/final.out")"; return; }
  if [ "$BACKEND" != vhostd ]; then pass "$name"; return; fi
  local checks errs; sed 's/^/  /' "$d/final.out"; checks=$(dma_checks "$d/final.out")
  grep -v '^ERR ' <<< "$checks" || true
  errs=$(sed -n 's/^ERR //p' <<< "$checks")
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# migrate_scenario LETTER NAME [qemu-migrate.sh args] -- [backend args]: three ports vm1..vm3; vm2's guest (the
# receiver of a TCP stream from vm1) is live-migrated to a QEMU on vm3 (interop/qemu-migrate.sh).
# MIGRATE_ARGS (env) adds qemu-migrate.sh arguments, e.g. MIGRATE_ARGS=--qemu-defaults.
migrate_scenario() {
  local d=$run/$1 name=$2 margs=() bargs=(); shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do margs+=("$1"); shift; done
  [ $# -gt 0 ] && shift; bargs=("$@")
  mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --sock "$d/vm3.sock" --fwd io "${bargs[@]}" \
    > "$d/start.out" 2>&1 || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return 1; }
  local attempt rc
  for attempt in 1 2; do
    rc=0
    "$INTEROP_DIR/qemu-migrate.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --sock3 "$d/vm3.sock" \
      --ctl "$d/vhostd.sock" "${margs[@]}" ${MIGRATE_ARGS:-} > "$d/qemu.out" 2>&1 || rc=$?
    # exit 4: the stream did not span the migration (a loaded machine); that attempt proves nothing, run it again
    [ "$rc" = 4 ] && [ "$attempt" = 1 ] || break
    echo "  attempt 1 void, running it again: $(grep -m1 '^FAIL' "$d/qemu.out")"
  done
  if [ "$rc" != 0 ]; then
    "$be" stop --dir "$d" > /dev/null 2>&1 || true
    fail "$name" "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40
    return 1
  fi
  sed -n 's/^PASS qemu-migrate /  /p' "$d/qemu.out"
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { fail "$name" "back end stop: $(tail -n1 "$d/final.out")"; return 1; }
}

# l: every queue bound to a sw-engine channel, all ports in one access group; the guest announces itself.
scenario_migrate_dma() {
  local name=migrate-dma checks errs
  migrate_scenario l "$name" -- --dma sw --group || return 0
  if [ "$BACKEND" != vhostd ]; then pass "$name"; return; fi
  sed 's/^/  /' "$run/l/final.out"; checks=$(dma_checks "$run/l/final.out")
  grep -v '^ERR ' <<< "$checks" || true
  errs=$(sed -n 's/^ERR //p' <<< "$checks")
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# m: CPU copies, guest_announce=off: QEMU sends SEND_RARP and vhostd announces the guest on vm3.
scenario_migrate_cpu() {
  local name=migrate-cpu
  migrate_scenario m "$name" --no-guest-announce -- || return 0
  if [ "$BACKEND" != vhostd ]; then pass "$name"; return; fi
  if grep -qh 'announce: port=vm3 mac=52:54:00:00:00:02' "$run"/m/vhostd.log*; then pass "$name"
  else fail "$name" "no SEND_RARP announcement for 52:54:00:00:00:02 on vm3 in vhostd's log"; fi
}

# n: memory hotplug on vm2 (object_add memory-backend-memfd + device_add pc-dimm) while the guests ping.
scenario_memory_hotplug() {
  local d=$run/n name=memory-hotplug; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --dma sw --group > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if "$INTEROP_DIR/qemu-hotplug.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --ctl "$d/vhostd.sock" > "$d/qemu.out" 2>&1; then
    sed -n 's/^PASS qemu-hotplug /  /p' "$d/qemu.out"; pass "$name"
  else fail "$name" "$(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; fi
  "$be" stop --dir "$d" > /dev/null 2>&1 || true
}

# examples_skip NAME: true (after printing SKIPPED) when the tier runs another back end than vhostd.
examples_skip() { [ "$BACKEND" = vhostd ] && return 1; echo "SKIPPED $1 (BACKEND=$BACKEND: the examples run bin/vhostd)"; }
EXAMPLES=$REPO_ROOT/examples/scripts

scenario_examples_qemu() {
  local d=$run/h name=examples-qemu; mkdir -p "$d"; examples_skip "$name" && return
  if ! "$EXAMPLES/qemu-two-guests.sh" --timeout 150 > "$d/out" 2>&1; then
    fail "$name" "$(grep -m1 '^RESULT' "$d/out" || tail -n 1 "$d/out")"; sed 's/^/  /' "$d/out" | tail -n 40; return
  fi
  grep -E '^(vm1 ->|RESULT|final )' "$d/out" | sed 's/^/  /'
  local checks errs; checks=$(port_traffic_checks "$d/out"; dma_checks "$d/out")
  grep -v '^ERR ' <<< "$checks" || true
  errs=$(sed -n 's/^ERR //p' <<< "$checks" | tr '\n' ' ')
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# port_traffic_checks OUT: "ERR ..." unless there are two "final port=" lines, each with
# guest_tx_pkts > 0 and guest_rx_pkts > 0, and no error-class drop (rx_too_big, rx_ring_error,
# tx_bad_frame, dma_error); flow-control drops (e.g. rx_not_ready while a guest boots) are printed.
port_traffic_checks() {
  awk '
    /^final port=/ { n++; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      if (f["guest_tx_pkts"] + 0 <= 0 || f["guest_rx_pkts"] + 0 <= 0) err = err sprintf("%s: no traffic both ways; ", f["port"])
      for (k in f) if (k ~ /^drop\.(rx_too_big|rx_ring_error|tx_bad_frame|tx_bad_offload|dma_error)$/ && f[k] > 0) err = err sprintf("%s: %s=%s; ", f["port"], k, f[k])
      printf "  %s: took=%d delivered=%d drops=%d\n", f["port"], f["guest_tx_pkts"], f["guest_rx_pkts"], f["drops"]
      delete f }
    END { if (n != 2) err = err sprintf("expected 2 final port lines, got %d; ", n); if (err != "") print "ERR " err }' "$1"
}

scenario_examples_testpmd() {
  local d=$run/i name=examples-testpmd; mkdir -p "$d"; examples_skip "$name" && return
  if ! "$EXAMPLES/testpmd-interop.sh" --seconds 5 > "$d/out" 2>&1; then
    fail "$name" "$(tail -n 3 "$d/out" | tr '\n' ' ')"; return
  fi
  grep -E '^(testpmd total|ledger)' "$d/out" | sed 's/^/  /'
  # The script's figures are both inputs of the ledger: its testpmd lines and vhostd's final lines.
  local ledger errs; ledger=$(loop_accounting "$d/out" "$d/out")
  grep -v '^ERR ' <<< "$ledger" || true
  errs=$(sed -n 's/^ERR //p' <<< "$ledger")
  grep -q '^ledger vhostd .* lost=0$' "$d/out" || errs+="script reported lost packets: $(grep '^ledger vhostd' "$d/out"); "
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

scenario_examples_rebind() {
  local d=$run/j name=examples-rebind; mkdir -p "$d"; examples_skip "$name" && return
  local rc=0; "$EXAMPLES/live-rebind.sh" > "$d/out" 2>&1 || rc=$?
  grep -E '^(check|RESULT)' "$d/out" | sed 's/^/  /'
  if [ "$rc" -eq 0 ] && grep -q '^RESULT live-rebind ok' "$d/out" && ! grep -q '^check .* FAIL' "$d/out"; then pass "$name"
  else fail "$name" "exit $rc: $(grep '^check .* FAIL' "$d/out" | tr '\n' ' ')$(tail -n 2 "$d/out" | tr '\n' ' ')"; sed 's/^/  /' "$d/out" | tail -n 30; fi
}

# k: the echo example (reactive API) against a real DPDK peer. testpmd io-forwards on its one port in
# loop topology, so every frame the echo back end sends back into the guest is sent again: frames circle
# through receive() and send() as long as the test runs.
scenario_examples_echo() {
  local d=$run/k name=examples-echo; mkdir -p "$d"; examples_skip "$name" && return
  "$EXAMPLES/run-echo.sh" --socket-dir "$d" --ports echo0 --seconds 60 > "$d/echo.log" 2>&1 &
  local epid=$!; PIDS+=("$epid")
  if ! wait_for 120 grep -q '^echo: ready' "$d/echo.log"; then
    fail "$name" "echo back end not ready: $(tail -n 3 "$d/echo.log" | tr '\n' ' ')"; return
  fi
  local rc=0
  ( . "$INTEROP_DIR/testpmd-lib.sh"
    fe_start "$d" fe_echo --vdev "net_virtio_user0,path=$d/echo0.sock,queues=1" -- -i \
      --forward-mode=io --port-topology=loop --nb-cores=1 --total-num-mbufs=32768
    fe_measure examples-echo 1 "start tx_first 16" 1 4 30 rx ) > "$d/fe.out" 2>&1 || rc=$?
  kill -TERM "$epid" 2>/dev/null || true
  wait_pid_exit "$epid" 20 || true
  grep -E '^testpmd (port|total)' "$d/fe.out" | sed 's/^/  /'
  grep '^echo: final' "$d/echo.log" | sed 's/^/  /'
  local fe_rx echoed; fe_rx=$(sed -n 's/^testpmd total rx_packets=\([0-9]*\).*/\1/p' "$d/fe.out")
  echoed=$(sed -n 's/^echo: final port=echo0 echoed=\([0-9]*\).*/\1/p' "$d/echo.log")
  if [ "$rc" -ne 0 ] || [ -z "$fe_rx" ] || [ -z "$echoed" ]; then
    fail "$name" "exit $rc: $(tail -n 3 "$d/fe.out" | tr '\n' ' ') $(tail -n 2 "$d/echo.log" | tr '\n' ' ')"
  elif [ "$fe_rx" -le 512 ]; then
    fail "$name" "frames did not circle: testpmd received $fe_rx (the first burst alone is 512)"
  elif [ "$echoed" -lt "$fe_rx" ]; then
    fail "$name" "testpmd received $fe_rx frames but the echo back end delivered only $echoed"
  elif grep -q '^echo: pipeline failed' "$d/echo.log"; then
    fail "$name" "$(grep '^echo: pipeline failed' "$d/echo.log")"
  else pass "$name"; fi
}

# t: a DPDK application restarted at once, again and again, against one port: vhostd must serve each new
# connection (one that arrives while the previous session is torn down waits in the listen backlog).
scenario_testpmd_restart() {
  local d=$run/t name=testpmd-restart runs=5 i; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --fwd rxonly > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  for i in $(seq 1 "$runs"); do
    if ! "$INTEROP_DIR/testpmd-txonly.sh" --sock "$d/vm1.sock" --warmup 0 --seconds 1 --connect-timeout 20 \
         > "$d/fe$i.out" 2>&1; then
      "$be" stop --dir "$d" > /dev/null 2>&1 || true
      fail "$name" "run $i not served: $(tail -n 3 "$d/fe$i.out" | tr '\n' ' ')"; return
    fi
  done
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { fail "$name" "back end stop: $(tail -n1 "$d/final.out")"; return; }
  echo "  $runs testpmd runs: tx_packets $(for i in $(seq 1 "$runs"); do grep '^testpmd total' "$d/fe$i.out" | val tx_packets; done | tr '\n' ' ')"
  if [ "$BACKEND" != vhostd ]; then pass "$name"; return; fi
  local taken refused; taken=$(sum_final "$d/final.out" guest_tx_pkts)
  refused=$(cat "$d"/vhostd.log* 2>/dev/null | grep -c 'refused a second front end' || true)
  echo "  vhostd took=$taken refused=${refused:-0}"
  if [ "$taken" -le 0 ]; then fail "$name" "the back end took no packets"
  elif [ "${refused:-0}" -ne 0 ]; then fail "$name" "the back end refused $refused connection(s)"
  else pass "$name"; fi
}

# dpdk_checks FINAL_OUT: every "final dma channel=dpdkN/0" line (vhostd-backend.sh --dma dpdk) has DPDK's
# own count of completed copies (dpdk.completed, from rte_dma_stats_get) equal to the channel's completed
# and above 0; "ERR ..." otherwise or when there is no such line.
dpdk_checks() {
  awk '
    /^final dma channel=dpdk[0-9]+\// { n++
      for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      printf "  %s: completed=%s dpdk.submitted=%s dpdk.completed=%s dpdk.errors=%s\n", f["channel"], f["completed"], f["dpdk.submitted"], f["dpdk.completed"], f["dpdk.errors"]
      if (f["dpdk.completed"] + 0 <= 0 || f["dpdk.completed"] != f["completed"]) err = err sprintf("%s: dpdk.completed=%s, channel completed=%s; ", f["channel"], f["dpdk.completed"], f["completed"])
      if (f["dpdk.errors"] + 0 != 0) err = err sprintf("%s: dpdk.errors=%s; ", f["channel"], f["dpdk.errors"])
      delete f }
    END { if (n == 0) err = err "no final dma channel=dpdkN lines; "; if (err != "") print "ERR " err }' "$1"
}

# r: the dpdk engine with real peers (see the header).
scenario_dpdk_engine() {
  local d=$run/r name=dpdk-engine errs=""; mkdir -p "$d"
  if [ "$BACKEND" != vhostd ]; then echo "SKIPPED $name (BACKEND=$BACKEND: an engine of vhostd)"; return; fi
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --dma dpdk --group > "$d/start.out" 2>&1 \
    || { fail "$name" "back end did not start: $(tail -n1 "$d/start.out")"; return; }
  if ! "$INTEROP_DIR/qemu-pair.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --timeout 150 > "$d/qemu.out" 2>&1; then
    "$be" stop --dir "$d" > /dev/null 2>&1 || true
    fail "$name" "qemu: $(grep -m1 '^FAIL' "$d/qemu.out" || tail -n 1 "$d/qemu.out")"; sed 's/^/  /' "$d/qemu.out" | tail -n 40; return
  fi
  sed -n 's/^PASS qemu-pair /  qemu: /p' "$d/qemu.out"
  "$be" stop --dir "$d" > "$d/qemu.final" 2>&1 || errs+="qemu: back end stop failed; "
  errs+=$(checks_of "$d/qemu.final" dma_checks dpdk_checks)
  grep -q 'dma_unsealed_fallback=' "$d/qemu.final" && errs+="qemu: a queue fell back to the CPU (QEMU's memory is sealed); "
  errs+=$(dpdk_loop "$d/cpu" "unsealed testpmd memory" cpu)
  errs+=$(dpdk_loop "$d/allow" "unsealed-memory: allow" allow)
  if [ -n "$errs" ]; then fail "$name" "$errs"; else pass "$name"; fi
}

# checks_of FINAL_OUT CHECK...: runs each check function on FINAL_OUT, prints their figures to stdout's
# terminal copy (stderr) and their "ERR" findings, joined, on stdout.
checks_of() {
  local out=$1 c all=""; shift
  for c in "$@"; do all+=$("$c" "$out")$'\n'; done
  grep -v '^ERR ' <<< "$all" | grep -v '^$' >&2 || true
  sed -n 's/^ERR //p' <<< "$all" | tr '\n' ' '
}

# dpdk_loop DIR LABEL cpu|allow: the testpmd loop through vhostd-backend.sh --dma dpdk --group with
# dpdk.unsealed-memory set; prints the ERR findings (the ledger of a, and: cpu -> both RX queues fell
# back, no dmadev moved a copy; allow -> dma_checks and dpdk_checks).
dpdk_loop() {
  local d=$1 label=$2 mode=$3; mkdir -p "$d"
  "$be" start --dir "$d" --sock "$d/vm1.sock" --sock "$d/vm2.sock" --fwd io --dma dpdk --group --unsealed-memory "$mode" > "$d/start.out" 2>&1 \
    || { echo "$label: back end did not start: $(tail -n1 "$d/start.out"); "; return; }
  "$INTEROP_DIR/testpmd-loop.sh" --sock1 "$d/vm1.sock" --sock2 "$d/vm2.sock" --seconds 5 > "$d/fe.out" 2>&1 \
    || { "$be" stop --dir "$d" > /dev/null 2>&1 || true; echo "$label: no loop traffic: $(tail -n 2 "$d/fe.out" | tr '\n' ' '); "; return; }
  "$be" stop --dir "$d" > "$d/final.out" 2>&1 || { echo "$label: back end stop failed; "; return; }
  echo "  testpmd loop, $label:" >&2
  grep -E '^final (port|dma channel)=' "$d/final.out" | sed 's/^/    /' >&2
  local errs; errs=$(checks_of "$d/final.out" ledger_of)
  if [ "$mode" = cpu ]; then
    [ "$(grep -c '^final port=.* dma_unsealed_fallback=1' "$d/final.out")" = 2 ] || errs+="both RX queues should fall back once (dma_unsealed_fallback=1); "
    grep -q '^final dma channel=' "$d/final.out" && errs+="a dmadev moved copies of unsealed memory; "
  else
    errs+=$(checks_of "$d/final.out" dma_checks dpdk_checks)
  fi
  [ -z "$errs" ] || echo "$label: $errs"
}
ledger_of() { loop_accounting "${1%/*}/fe.out" "$1"; }

# s: the dmabuf path on a kernel that has udmabuf (interop/dmabuf-kernel.sh prints its own verdict line).
scenario_dmabuf_kernel() {
  local d=$run/s name=dmabuf-kernel; mkdir -p "$d"
  if [ "$BACKEND" != vhostd ]; then echo "SKIPPED $name (BACKEND=$BACKEND: vhostd's own dmabuf path)"; return; fi
  local rc=0; "$INTEROP_DIR/dmabuf-kernel.sh" --dir "$d" > "$d/out" 2>&1 || rc=$?
  grep -E '^(  |check|guest:)' "$d/out" | tail -n 40 || true
  if grep -q '^SKIPPED' "$d/out"; then echo "SKIPPED $name ($(sed -n 's/^SKIPPED[: ]*//p' "$d/out" | head -n1))"
  elif [ "$rc" -eq 0 ] && grep -q '^RESULT dmabuf-kernel ok' "$d/out"; then pass "$name"
  else fail "$name" "exit $rc: $(grep -m1 '^RESULT' "$d/out" || tail -n 3 "$d/out" | tr '\n' ' ')"; fi
}

# Scenario letters and names: --only takes either.
declare -A SCENARIO=([a]=loop-accounting [b]=sink-mq [c]=client-mode [d]=qemu-restart [e]=qemu-client
  [f]=loop-dma-sw [g]=qemu-dma-group [h]=examples-qemu [i]=examples-testpmd [j]=examples-rebind
  [k]=examples-echo [t]=testpmd-restart [r]=dpdk-engine [s]=dmabuf-kernel [l]=migrate-dma [m]=migrate-cpu
  [n]=memory-hotplug [o]=packed-loop [p]=qemu-packed [q]=offload-fallback)
letter_of() {
  local l; [ -n "${SCENARIO[$1]:-}" ] && { echo "$1"; return; }
  for l in "${!SCENARIO[@]}"; do [ "${SCENARIO[$l]}" = "$1" ] && { echo "$l"; return; }; done
  die "unknown scenario $1 (letters a-n, t, r, s or names: ${SCENARIO[*]})"

}

echo "interop tier: back end = $BACKEND"
for s in ${only//,/ }; do
  s=$(letter_of "$s")
  t0=$SECONDS
  case "$s" in
    a) scenario_loop ;; b) scenario_sink ;; c) scenario_client ;; d) scenario_qemu ;; e) scenario_qemu_client ;;
    f) scenario_loop_dma ;; g) scenario_qemu_dma ;;
    h) scenario_examples_qemu ;; i) scenario_examples_testpmd ;; j) scenario_examples_rebind ;;
    k) scenario_examples_echo ;; t) scenario_testpmd_restart ;;
    r) scenario_dpdk_engine ;; s) scenario_dmabuf_kernel ;;
    l) scenario_migrate_dma ;; m) scenario_migrate_cpu ;; n) scenario_memory_hotplug ;;
    o) scenario_packed_loop ;; p) scenario_qemu_packed ;; q) scenario_offload_fallback ;;
    *) die "unknown scenario $s" ;;
  esac
done
exit "$failed"
