#!/usr/bin/env bash
# Side-by-side comparison of transport-iocp with Netty's own transports (issue #8), in one command:
# HTTP keep-alive and pipelined (wrk), echo over 256 connections, bulk 64 KiB echo, ping-pong
# latency, heap allocated per operation, and memory per idle and per closed connection, for
#   iocp (transport-iocp, io_uring backend), iocp-nio (transport-iocp, nio backend),
#   nio, epoll, io_uring (Netty 4.2's own transports, default configuration).
#
# usage: benchmarks/scripts/compare.sh [--quick] [--rounds 3] [--duration 10] [--warmup 3]
#            [--only http,keepalive,pipelined,echo,bulk,pingpong,idle]
#            [--transports iocp,iocp-nio,nio,epoll,io_uring] [--idle-connections 10000]
#            [--out DIR] [--no-pin]
#   e.g. benchmarks/scripts/compare.sh                     # the full run: 3 rounds, ~25 min
#        benchmarks/scripts/compare.sh --quick             # 1 round of 2 s runs: checks the tool (< 3 min)
#        benchmarks/scripts/compare.sh --only echo,http --transports iocp,epoll
# environment (all optional):
#   COMPARE_SKIP_BUILD=1     reuse benchmarks/target/benchmarks.jar as it is
#   COMPARE_MVN_ARGS="-o"    extra Maven arguments for the build (e.g. offline)
#   COMPARE_PIN=0            do not pin (same as --no-pin)
# Each transport runs in its own server JVM pinned to CPU 0 with one event loop; the load (this
# orchestrator, its Java load client, wrk) runs pinned to CPU 1. Transports are interleaved
# within each round; tables show the median over rounds (min-max) and the median of the
# per-round ratios of iocp to the best Netty transport (iocp-nio to Netty NIO), with the issue's
# targets judged. Results: benchmarks/results/<timestamp>/ (results.md, rounds.csv, ratios.csv,
# ratios.svg, logs/). Exit status: 0 all measured, 1 some measurement failed, 2 bad usage.
# needs: Linux (/proc), a JDK 25 (JAVA_HOME or /usr/lib/jvm, as .ci/run finds it), Maven, wrk
# (apt-get install -y wrk) for the HTTP workloads, taskset (util-linux) for pinning, 2+ CPUs.
# Measure on a quiet machine: anything else running on CPU 0 or 1 is measured too.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=jdk25.sh
. benchmarks/scripts/jdk25.sh 2
jar=benchmarks/target/benchmarks.jar

if [ "${COMPARE_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
  echo "building $jar ..."
  # shellcheck disable=SC2086
  mvn -B -q ${COMPARE_MVN_ARGS:-} -pl benchmarks -am -DskipTests package
fi

args=("$@")
out=""
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --out) out=${args[i + 1]:-} ;;
    --out=*) out=${args[i]#--out=} ;;
    --no-pin) COMPARE_PIN=0 ;;
  esac
done
if [ -z "$out" ]; then
  out="benchmarks/results/$(date +%Y%m%d-%H%M%S)"
  args+=(--out "$out")
fi

load_pin=()
if [ "${COMPARE_PIN:-1}" = 1 ]; then
  if command -v taskset >/dev/null && [ "$(nproc --all)" -ge 2 ]; then
    load_pin=(taskset -c 1)
  else
    echo "compare: no taskset or fewer than 2 CPUs: running unpinned (figures are then less comparable)" >&2
    args+=(--no-pin)
  fi
elif [[ " ${args[*]} " != *" --no-pin "* ]]; then
  args+=(--no-pin)
fi

source_id=$(git describe --always --dirty 2>/dev/null || echo unknown)
# The orchestrator is the load side: it runs the Java load client itself, and starts the servers
# (taskset -c 0) and wrk (taskset -c 1).
exec "${load_pin[@]}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+UseSerialGC \
  -cp "$jar" dev.iocp.benchmarks.compare.Compare --source "$source_id" "${args[@]}"
