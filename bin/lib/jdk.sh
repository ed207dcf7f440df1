# Sourced by the bin/ scripts: selects JDK 25+ and defines the build helpers.
# shellcheck shell=bash

vhostdma_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

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

# Builds the project (no tests) when any source is newer than the backend's classpath file.
ensure_built() {
  local root; root=$(vhostdma_root)
  local stamp="$root/backend/target/classpath.txt"
  if [ ! -f "$stamp" ] || [ -n "$(find "$root" -path "$root/.cache" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.proto' \) -newer "$stamp" -print -quit)" ]; then
    echo "building vhost-dma (first use or sources changed)..." >&2
    (cd "$root" && mvn -q -B -o install -DskipTests >/dev/null 2>&1 || mvn -q -B install -DskipTests) || { echo "error: build failed" >&2; exit 3; }
    (cd "$root/backend" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null 2>&1 \
      || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null) || { echo "error: classpath resolution failed" >&2; exit 3; }
    touch "$stamp"
  fi
}

# The project's own modules come from this tree's target/classes, not from the shared local Maven
# repository (another checkout's "mvn install" must not swap jars under a running vhostd).
backend_classpath() {
  local root; root=$(vhostdma_root)
  echo "$root/backend/target/classes:$(sed -E "s#[^:]*/io/vhostdma/([a-z-]+)/[^/:]+/[^/:]+\.jar#$root/\1/target/classes#g" "$root/backend/target/classpath.txt")"
}

# ParallelGC and a fixed heap: a JVM pinned to one core (taskset) would otherwise pick SerialGC; the
# data plane allocates nothing per packet, so GC choice only matters for the control plane.
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC -Xms256m -Xmx1g
  '-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %3$s: %5$s%6$s%n')
