#!/usr/bin/env bash
# Cost of one Redis call on the session load path (RedisSessionStore.loadAndTouch) with the product's Redisson client:
# calls per second, server CPU µs per call, Redis CPU µs per call, p50 and p99 latency, per count of request threads
# and per variant of the Redisson settings, median of alternating rounds.
#
#   src/bench/redis-calls.sh [--no-build] [RedisCallBench options]
#
# Options (see src/bench/java/RedisCallBench.java): --threads 1,4,16,64 --duration 5 --warmup 2 --rounds 3
# --sessions 1000 --variant product --variant redisson --variant 'name:nettyThreads=2,connectionPoolSize=4'
# Without --variant: Redisson's own defaults against the product's. transportMode=EPOLL needs Netty's native epoll jar
# for Linux x86_64, which this script adds to the classpath (at the Netty version Redisson brings).
# Compiles the product (target/classes), starts a redis-server of its own on a free loopback port, and stops it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=1
if [ "${1:-}" = --no-build ]; then BUILD=0; shift; fi
command -v redis-server >/dev/null 2>&1 || { echo "redis-calls: redis-server is needed (apt-get install redis-server)" >&2; exit 1; }

cd "$ROOT"
CP_FILE=target/bench/classpath.txt
mkdir -p target/bench
if [ $BUILD = 1 ] || [ ! -f "$CP_FILE" ]; then
  mvn -B -q -ntp compile
  mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE"
  netty=$(tr ':' '\n' <"$CP_FILE" | sed -n 's|.*/netty-transport-\([0-9][^/]*\)\.jar$|\1|p' | head -n 1)
  for artifact in netty-transport-native-epoll:$netty:jar:linux-x86_64 netty-transport-classes-epoll:$netty; do
    mvn -B -q -ntp org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy \
      -Dartifact="io.netty:$artifact" -DoutputDirectory=target/bench/lib
  done
fi
CP="target/classes:$(cat "$CP_FILE"):$(ls target/bench/lib/*.jar | paste -sd:)"
exec java -Xms512m -Xmx512m -Djava.util.logging.config.file=/dev/null -cp "$CP" src/bench/java/RedisCallBench.java "$@"
