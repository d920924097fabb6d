#!/usr/bin/env bash
# Side-by-side wrk runs of the HTTP hello-world example, one transport after another, repeated
# in alternation so drift on a noisy machine hits every transport alike. The server is pinned
# to CPU 0 and wrk to CPU 1 (taskset), as the project's benchmark notes prescribe.
#
# usage: benchmarks/scripts/wrk-http.sh [rounds] [label=transport[,jvm-flag...]]...
#   e.g. benchmarks/scripts/wrk-http.sh 3 iocp=iocp nio=nio iocp-on-nio=iocp,-Ddev.iocp.backend=nio
# needs: wrk, taskset, a JDK 25 in JAVA_HOME, and `mvn -pl examples -am -DskipTests install` done.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-3}
shift || true
[ $# -gt 0 ] || set -- iocp=iocp nio=nio
java="${JAVA_HOME:?point JAVA_HOME at a JDK 25}/bin/java"
port=${PORT:-18080}
cp="$(mvn -q -pl examples dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes"

run_one() {
  local label=$1 spec=$2
  local transport=${spec%%,*} flags=""
  [ "$spec" != "$transport" ] && flags=${spec#*,}
  # shellcheck disable=SC2086
  taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED ${flags//,/ } -cp "$cp" \
    dev.iocp.examples.HttpHelloWorldServer --transport "$transport" --port "$port" --threads 1 \
    >"/tmp/wrk-server-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    sleep 0.1
  done
  taskset -c 1 wrk -t1 -c64 -d3s "http://127.0.0.1:$port/" >/dev/null        # warm-up (JIT)
  local rps
  rps=$(taskset -c 1 wrk -t1 -c64 -d10s "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$label $rps"
}

for round in $(seq 1 "$rounds"); do
  for arg in "$@"; do
    run_one "${arg%%=*}" "${arg#*=}"
  done
done | tee /tmp/wrk-results.txt
echo "--- mean requests/s per label"
awk '{sum[$1]+=$2; n[$1]++} END {for (l in sum) printf "%s %.0f\n", l, sum[l]/n[l]}' /tmp/wrk-results.txt
