#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs JMH with the given arguments, e.g.
#   bench/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s 'io.vhostdma.bench.dma.*'
set -euo pipefail
cd "$(dirname "$0")/.."
source "bin/lib/jdk.sh"
select_jdk
mvn -q -B -pl bench -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
exec java --enable-native-access=ALL-UNNAMED -cp "$CP" org.openjdk.jmh.Main "$@"
