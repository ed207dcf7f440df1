#!/usr/bin/env bash
# Builds the interop test guest: $CACHE/guest/vmlinuz and $CACHE/guest/initrd.gz.
#
# Usage: interop/guest/build-initramfs.sh
#   Needs the kernel extracted by interop/install-peers.sh ($CACHE/guest/kernel) and busybox-static.
#   The initramfs holds busybox (symlinks made at boot by /init; its own cpio packs the archive), the virtio/virtio_net modules in
#   load order, and interop/guest/init. Rebuilds only when an input changed; prints the two paths.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net"
kdir=$CACHE/guest/kernel
out=$CACHE/guest
init=$INTEROP_DIR/guest/init
busybox=/bin/busybox

vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n1) || true
[ -n "$vmlinuz" ] || die "no kernel in $kdir (run interop/install-peers.sh)"
[ -x "$busybox" ] || die "$busybox missing (install busybox-static)"
kver=${vmlinuz##*/vmlinuz-}
moddir=$kdir/lib/modules/$kver/kernel

# find_module NAME: path of NAME.ko[.xz|.zst] under the kernel's module tree.
find_module() { find "$moddir" \( -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" \) | head -n1; }

# The stamp covers every input: the init script, this script, busybox, the kernel version.
stamp=$( (cat "$init" "$0"; md5sum "$busybox"; echo "$kver $MODULES") | md5sum | cut -d' ' -f1)
if [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz" ] && [ "$(cat "$out/initrd.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/vmlinuz $out/initrd.gz"; exit 0
fi

root=$(mktemp -d /tmp/vd-initramfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,lib/modules}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$init" "$root/init"; chmod 0755 "$root/init"
: > "$root/modules.order"
for m in $MODULES; do
  src=$(find_module "$m"); [ -n "$src" ] || die "module $m not found under $moddir"
  case "$src" in
    *.xz) xz -dc "$src" > "$root/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$src" > "$root/lib/modules/$m.ko" ;;
    *) cp "$src" "$root/lib/modules/$m.ko" ;;
  esac
  echo "$m" >> "$root/modules.order"
done
(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -9) > "$out/initrd.gz.partial"
mv "$out/initrd.gz.partial" "$out/initrd.gz"
cp "$vmlinuz" "$out/vmlinuz"
echo "$stamp" > "$out/initrd.stamp"
echo "$out/vmlinuz $out/initrd.gz"
