#!/usr/bin/env bash
# Example 1 — the echo back end: a Java program that embeds vhost-dma through the reactive API and
# sends every packet a guest transmits straight back into that guest.
#
# Usage: examples/scripts/run-echo.sh [--socket-dir DIR] [--ports echo0,echo1] [--seconds N]
#   Creates one vhost-user server socket per port (DIR/<port>.sock, DIR defaults to
#   /tmp/vhostd-echo-$USER), prints "echo: serving port=... socket=...", then "echo: ready", a
#   "echo: stats ..." line per second and "echo: final port=... echoed=N dropped=N" lines on exit
#   (Ctrl-C, SIGTERM, or after --seconds N). Connect a QEMU guest or DPDK virtio-user to a socket,
#   or run the JUnit test (examples/src/test/.../EchoBackendTest) which uses the Java front end.
# The code: examples/src/main/java/io/vhostdma/examples/echo/EchoBackend.java (the pipeline) and
# EchoMain.java (this command line). No Maven plugin at run time: like bin/vhostd, the script builds
# the tree on first use (bin/lib/jdk.sh) and runs the compiled classes with the back end's classpath.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/bin/lib/jdk.sh"
select_jdk      # JDK 25+ (JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64)
ensure_built examples    # mvn install -DskipTests when a source changed since the last build
exec java "${JVM_FLAGS[@]}" -cp "$root/examples/target/classes:$(backend_classpath)" \
  io.vhostdma.examples.echo.EchoMain "$@"
