# Sourced by the bin/ scripts: selects JDK 25+ and defines the build helpers.
# shellcheck shell=bash

vhostdma_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# java_major JAVA_HOME: the feature version, from the JDK's release file (no JVM start), else from java.
java_major() {
  local v; v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] && echo "$v" && return
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

select_jdk() {
  local cand
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [ -n "$cand" ] && [ -x "$cand/bin/java" ]; then
      local v; v=$(java_major "$cand")
      if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$cand"; export PATH="$JAVA_HOME/bin:$PATH"; return 0; fi
    fi
  done
  echo "error: JDK 25 or newer is required: set JAVA_HOME to one, or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64" >&2
  exit 3
}

# An unpacked release (bin/dist) has its jars in lib/ and lib/classpath naming them in order; a source
# checkout has neither and builds on first use.
is_release() { [ -f "$(vhostdma_root)/lib/classpath" ]; }

# The backend's classpath file is also the build stamp: a full build here (build_all, bin/test's mvn
# install) dates it when the build started, so a source edited while Maven ran still counts as changed;
# the backend's own Maven build rewrites it after compiling (backend/pom.xml, for the tests' bin/vhostctl).
build_stamp() { echo "$(vhostdma_root)/backend/target/classpath.txt"; }

# sources_changed [MODULE...]: true when there is no stamp, the classes of a module the caller runs are
# missing (mvn clean) — the back end's class path, plus each MODULE named — or a file or directory under a
# module's src/ (a deleted or renamed file changes its directory) or a pom.xml is newer than the stamp.
# Only sources count: every Maven run rewrites files under target/ (the protobuf plugin's extracted .proto
# files and generated .java), and those are not changes. Modules the caller does not run (bench, examples
# while the backend's own tests run in a fresh clone) are not required.
sources_changed() {
  local root stamp d m; root=$(vhostdma_root); stamp=$(build_stamp)
  [ -f "$stamp" ] || return 0
  for d in $(backend_classpath | tr ':' '\n' | grep "^$root/"); do [ -e "$d" ] || return 0; done
  for m in "$@"; do [ -d "$root/$m/target/classes" ] || return 0; done
  [ -n "$(find "$root"/*/src "$root"/pom.xml "$root"/*/pom.xml -newer "$stamp" -print -quit)" ]
}

# mark_built START: a full build that started at START (date +%s.%N) succeeded: writes the classpath
# file and dates it START.
mark_built() { write_classpath; touch -d "@$1" "$(build_stamp)"; }

# build_all: mvn install without tests (offline first), then the stamp.
build_all() {
  local started; started=$(date +%s.%N)
  (cd "$(vhostdma_root)" && mvn -q -B -o install -DskipTests >/dev/null 2>&1 || mvn -q -B install -DskipTests) \
    || { echo "error: build failed" >&2; exit 3; }
  mark_built "$started"
}

# ensure_built [MODULE...]: builds the project (no tests) when a source changed since the last full build
# or the classes the caller runs (the back end's, and each MODULE's) are missing; a release has nothing to
# build.
ensure_built() {
  is_release && return 0
  sources_changed "$@" || return 0
  echo "building vhost-dma (first use or sources changed)..." >&2
  build_all
}

# Resolves the backend's runtime classpath into backend/target/classpath.txt.
write_classpath() {
  (cd "$(vhostdma_root)/backend" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null 2>&1 \
    || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null) || { echo "error: classpath resolution failed" >&2; exit 3; }
}

# The project's own modules come from this tree's target/classes, not from the shared local Maven
# repository (another checkout's "mvn install" must not swap jars under a running vhostd).
# A release: lib/classpath's jars.
backend_classpath() {
  local root; root=$(vhostdma_root)
  if is_release; then release_classpath "$root"; return; fi
  echo "$root/backend/target/classes:$(sed -E "s#[^:]*/io/vhostdma/([a-z-]+)/[^/:]+/[^/:]+\.jar#$root/\1/target/classes#g" "$root/backend/target/classpath.txt")"
}

# The project's version: the root pom's first <version> (its own).
project_version() { sed -n '0,/<version>/s#.*<version>\(.*\)</version>.*#\1#p' "$(vhostdma_root)/pom.xml"; }

release_classpath() { sed "s#^#$1/lib/#" "$1/lib/classpath" | paste -sd: -; }

# The jars bin/dist packages, in classpath order: this tree's module jars (mvn install builds them)
# and the rest as the build resolved them.
backend_jars() {
  local root; root=$(vhostdma_root)
  local v; v=$(project_version)
  # classpath.txt names the modules' jars in the local repository, or (written in a reactor build) their
  # target/classes
  echo "$root/backend/target/backend-$v.jar:$(sed -E -e "s#[^:]*/io/vhostdma/([a-z-]+)/[^/:]+/([^/:]+\.jar)#$root/\1/target/\2#g" \
    -e "s#$root/([a-z-]+)/target/classes#$root/\1/target/\1-$v.jar#g" "$root/backend/target/classpath.txt")"
}

# vhostctl's classpath: the backend's without what only the daemon uses (io_uring: Vert.x would load its
# native library at start; the Prometheus registry; the DPDK engine).
vhostctl_classpath() {
  backend_classpath | tr : '\n' | grep -v -e '/netty-transport-[a-z-]*io_uring[^/]*\.jar$' \
    -e '/prometheus-metrics-[^/]*\.jar$' -e '/dma-dpdk-[^/]*\.jar$' | paste -sd: -
}

# ParallelGC and a fixed heap: a JVM pinned to one core (taskset) would otherwise pick SerialGC; the
# data plane allocates nothing per packet, so GC choice only matters for the control plane.
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC -Xms256m -Xmx1g
  '-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %3$s: %5$s%6$s%n')
