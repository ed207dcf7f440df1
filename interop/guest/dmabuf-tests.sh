#!/bin/sh
# Runs inside the dmabuf-kernel guest, chrooted into the read-only host tree (interop/dmabuf-kernel.sh):
# JDK 25 from the host runs the project's udmabuf-dependent tests with interop/guest/RunJUnit.java.
# Usage (by init-dmabuf): dmabuf-tests.sh WORK, where WORK holds classes/ (RunJUnit), classpath.txt and
# tests.txt (the test classes), all written by the host.
work=$1
export HOME=/tmp PATH=/usr/bin:/bin
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "guest: kernel $(uname -r), $(nproc) cpus, $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
echo "guest: $(ls -l /dev/udmabuf 2>&1)"
# C1 only: the JIT's time matters more than its code under TCG
exec "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx768m --enable-native-access=ALL-UNNAMED \
  -Djava.io.tmpdir=/tmp -cp "$work/classes:$(cat "$work/classpath.txt")" RunJUnit $(cat "$work/tests.txt")
