#!/usr/bin/env bash
# Installs the real peers the interop tier and bin/bench need, and fetches a guest kernel.
#
# Usage: interop/install-peers.sh
#   As root: apt-get install -y dpdk-dev qemu-system-x86 busybox-static jq tshark (only the missing ones,
#   with one apt-get update first), then downloads the concrete linux-image-<ver>-amd64 package
#   and extracts it (dpkg -x, /boot untouched) into $CACHE/guest/kernel (CACHE defaults to
#   <repo>/.cache). Quick and silent when everything is already present.
#   Not root: prints "SKIPPED: <reason>" and exits 0 -- callers grep for "^SKIPPED:".
#   Any failed step exits 1 with a message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if ! is_root; then
  echo "SKIPPED: install-peers needs root to apt-get install dpdk-dev qemu-system-x86 busybox-static jq tshark"
  exit 0
fi

updated=0
apt_update_once() {
  [ "$updated" -eq 1 ] && return 0
  log "apt-get update"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  updated=1
}

missing=()
for pkg in dpdk-dev qemu-system-x86 busybox-static jq tshark; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi

# The concrete kernel package behind the linux-image-amd64 meta package.
kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1; }
kdir=$CACHE/guest/kernel
if ! ls "$kdir"/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(kpkg)
  if [ -z "$pkg" ]; then apt_update_once; pkg=$(kpkg); fi
  [ -n "$pkg" ] || die "cannot resolve the kernel package behind linux-image-amd64"
  tmp=$(mktemp -d /tmp/vd-kernel.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  chmod 0755 "$tmp"   # apt's _apt sandbox user must be able to write the download
  log "apt-get download $pkg"
  (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null) || { apt_update_once; (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null); } \
    || die "apt-get download $pkg failed"
  mkdir -p "$kdir.partial"
  dpkg -x "$tmp"/"$pkg"_*.deb "$kdir.partial" || die "dpkg -x $pkg failed"
  rm -rf "$kdir" && mv "$kdir.partial" "$kdir"
fi
ls "$kdir"/boot/vmlinuz-* >/dev/null 2>&1 || die "no vmlinuz in $kdir/boot"
dpdk_ver=$(dpkg-query -W -f='${Version}' dpdk-dev)
echo "peers ready: dpdk-dev $dpdk_ver, $(qemu-system-x86_64 --version | head -n1), kernel $(basename "$kdir"/boot/vmlinuz-*)"
