#!/usr/bin/env bash
# The dma-buf path on a kernel that has it (interop scenario s, "dmabuf-kernel").
#
# Usage: interop/dmabuf-kernel.sh [--dir D] [--timeout S]
#   1. Debian's 6.12 kernel (the newest linux-image-6.12.*+deb12-amd64-unsigned apt knows; built with
#      CONFIG_UDMABUF=y, CONFIG_DMABUF_HEAPS_SYSTEM=y, 9p as modules) fetched once with apt-get download
#      and dpkg -x into $CACHE/guest/kernel-6.12 (/boot untouched).
#   2. An initramfs of busybox, the 9p modules and interop/guest/init-dmabuf, in $CACHE/guest/dmabuf.
#   3. The project's test classes compiled on the host (mvn -o test-compile), their class path written
#      to $CACHE/dmabuf-kernel with interop/guest/RunJUnit.java compiled next to it.
#   4. QEMU (TCG, 2 vCPUs, 2 GiB, no network) boots it with the host's / shared read-only over 9p
#      (-virtfs ...,readonly=on,multidevs=remap: the host's mounts would otherwise collide in inode
#      numbers and hide the guest's /proc) and udmabuf.size_limit_mb=256 on the kernel command line; the guest
#      chroots into the host tree and runs JDK 25 on the udmabuf-dependent tests: vhost's UdmabufTest,
#      GuestMemoryMapperTest, DmabufRegistrationTest and backend's DmabufDataPathTest (vhostd + the Java
#      front end, sealed memfds registered as dma-bufs, frames byte-exact over DMA-bound queues).
#   Every test must pass and none may be skipped. Prints the guest's "test ..." and "junit: ..." lines,
#   then "RESULT dmabuf-kernel ok (<s>s)" (exit 0) or "RESULT dmabuf-kernel FAIL <reason>" (exit 1).
#   Not root: "SKIPPED: ..." and exit 0. --timeout: the guest's (default 330 s). Console: D/console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir="" timeout=330
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) die "dmabuf-kernel: unknown argument $1" ;;
  esac
done
need_root dmabuf-kernel
need_cmd dmabuf-kernel qemu-system-x86_64 apt-get dpkg xz
if [ -z "$dir" ]; then dir=$(make_run_dir dmabuf); trap 'kill_all; rm -rf "$dir"' EXIT; else trap kill_all EXIT; fi
JDK=/usr/lib/jvm/temurin-25-jdk-amd64
[ -x "$JDK/bin/javac" ] || { echo "RESULT dmabuf-kernel FAIL JDK 25 not found at $JDK"; exit 1; }
t0=$SECONDS
result() { echo "RESULT dmabuf-kernel $1"; }
# the guest mounts its own tmpfs on /tmp and /run over the host tree: a checkout there is invisible to it
case "$REPO_ROOT/" in /tmp/*|/run/*)
  result "FAIL the checkout ($REPO_ROOT) lies under /tmp or /run, which the guest covers with its own tmpfs; use a checkout elsewhere"; exit 1 ;;
esac

# --- 1. the 6.12 kernel ---
kdir=$CACHE/guest/kernel-6.12
if ! ls "$kdir"/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | cut -d' ' -f1 | sort -V | tail -n1)
  if [ -z "$pkg" ]; then apt-get update -qq >/dev/null 2>&1 || true
    pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | cut -d' ' -f1 | sort -V | tail -n1); fi
  [ -n "$pkg" ] || { result "FAIL no linux-image-6.12.*+deb12-amd64-unsigned package in apt"; exit 1; }
  tmp=$(mktemp -d /tmp/vd-kernel612.XXXXXX); chmod 0755 "$tmp"
  log "apt-get download $pkg"
  (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; result "FAIL apt-get download $pkg"; exit 1; }
  rm -rf "$kdir.partial"; mkdir -p "$kdir.partial"
  dpkg -x "$tmp"/*.deb "$kdir.partial" && rm -rf "$kdir" && mv "$kdir.partial" "$kdir"
  rm -rf "$tmp"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n1); kver=${vmlinuz##*/vmlinuz-}
grep -q '^CONFIG_UDMABUF=y' "$kdir/boot/config-$kver" || { result "FAIL $kver is not built with CONFIG_UDMABUF=y"; exit 1; }
echo "check kernel $kver (CONFIG_UDMABUF=y) in $kdir"

# --- 2. the initramfs ---
gdir=$CACHE/guest/dmabuf; mkdir -p "$gdir"
MODULES="netfs 9pnet 9pnet_virtio 9p"
init=$INTEROP_DIR/guest/init-dmabuf
stamp=$( (cat "$init" "$0"; md5sum /bin/busybox; echo "$kver $MODULES") | md5sum | cut -d' ' -f1)
if [ "$(cat "$gdir/initrd.stamp" 2>/dev/null)" != "$stamp" ]; then
  root=$(mktemp -d /tmp/vd-initramfs.XXXXXX)
  mkdir -p "$root"/{bin,proc,sys,dev,tmp,lib/modules}
  cp /bin/busybox "$root/bin/busybox"; ln -s busybox "$root/bin/sh"
  cp "$init" "$root/init"; chmod 0755 "$root/init"; : > "$root/modules.order"
  for m in $MODULES; do
    src=$(find "$kdir/lib/modules/$kver/kernel" -name "$m.ko*" | head -n1)
    [ -n "$src" ] || { rm -rf "$root"; result "FAIL module $m not in $kver"; exit 1; }
    case "$src" in *.xz) xz -dc "$src" ;; *.zst) zstd -qdc "$src" ;; *) cat "$src" ;; esac > "$root/lib/modules/$m.ko"
    echo "$m" >> "$root/modules.order"
  done
  (cd "$root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -9) > "$gdir/initrd.gz"
  rm -rf "$root"; echo "$stamp" > "$gdir/initrd.stamp"
fi

# --- 3. the tests, compiled on the host ---
work=$CACHE/dmabuf-kernel; rm -rf "$work"; mkdir -p "$work/classes"
log "mvn test-compile (vhost, backend)"
(cd "$REPO_ROOT" && JAVA_HOME=$JDK mvn -q -B -o -pl backend -am test-compile dependency:build-classpath \
   -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test > "$dir/mvn.log" 2>&1) \
  || { tail -n 20 "$dir/mvn.log"; result "FAIL mvn test-compile"; exit 1; }
cp=$REPO_ROOT/vhost/target/test-classes:$REPO_ROOT/backend/target/test-classes:$REPO_ROOT/backend/target/classes
cp+=:$(cat "$REPO_ROOT/backend/target/test-classpath.txt"):$(cat "$REPO_ROOT/vhost/target/test-classpath.txt")
engine=$(tr ':' '\n' <<< "$cp" | grep -m1 'junit-platform-engine-.*\.jar') || { result "FAIL no junit-platform-engine on the test class path"; exit 1; }
ver=$(sed 's/.*junit-platform-engine-\(.*\)\.jar/\1/' <<< "$engine")
launcher=$HOME/.m2/repository/org/junit/platform/junit-platform-launcher/$ver/junit-platform-launcher-$ver.jar
[ -f "$launcher" ] || (cd "$REPO_ROOT" && JAVA_HOME=$JDK mvn -q -B dependency:get -Dartifact="org.junit.platform:junit-platform-launcher:$ver" >> "$dir/mvn.log" 2>&1) \
  || { result "FAIL junit-platform-launcher $ver not available"; exit 1; }
echo "$cp:$launcher" > "$work/classpath.txt"
"$JDK/bin/javac" -d "$work/classes" -cp "$cp:$launcher" "$INTEROP_DIR/guest/RunJUnit.java" \
  || { result "FAIL javac RunJUnit"; exit 1; }
echo "io.vhostdma.vhost.internal.sys.UdmabufTest io.vhostdma.vhost.protocol.GuestMemoryMapperTest" \
  "io.vhostdma.vhost.transport.DmabufRegistrationTest io.vhostdma.backend.DmabufDataPathTest" > "$work/tests.txt"
echo "check tests compiled on the host: $(cat "$work/tests.txt")"

# --- 4. the guest ---
console=$dir/console.log
log "booting $kver under QEMU (TCG) with the host tree read-only over 9p"
setsid qemu-system-x86_64 -accel tcg -smp 2 -m 2048 -nographic -no-reboot -nic none \
  -kernel "$vmlinuz" -initrd "$gdir/initrd.gz" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -append "console=ttyS0 panic=-1 quiet udmabuf.size_limit_mb=256 vd.run=$INTEROP_DIR/guest/dmabuf-tests.sh vd.work=$work" \
  < /dev/null > "$console" 2>&1 &
qpid=$!; PIDS+=("$qpid")
if ! wait_for "$timeout" grep -qE '^VD:(RUN-DONE|FAIL)' "$console"; then
  grep -E '^(guest:|test |junit:)' "$console" | sed 's/^/  /'; tail -n 30 "$console" | sed 's/^/  | /'
  result "FAIL the guest did not finish within ${timeout}s"; exit 1
fi
wait_pid_exit "$qpid" 20 || kill -KILL "$qpid" 2>/dev/null || true
sed -n 's/^VD:HOST-UP /check guest: /p' "$console"
grep -E '^(guest:|test |junit:)' "$console" | sed 's/^/  /'
grep -q '^VD:FAIL' "$console" && { tail -n 20 "$console" | sed 's/^/  | /'; result "FAIL $(grep -m1 '^VD:FAIL' "$console")"; exit 1; }
summary=$(grep -m1 '^junit: ' "$console" || true)
rc=$(sed -n 's/^VD:RUN-DONE rc=\([0-9]*\).*/\1/p' "$console")
if [ "$rc" = 0 ] && [ -n "$summary" ]; then result "ok ($((SECONDS - t0))s)"; exit 0; fi
grep -A 15 '^test FAIL' "$console" | head -n 60 | sed 's/^/  | /'
result "FAIL ${summary:-no junit summary} (guest rc=${rc:-?})"; exit 1
