#!/usr/bin/env bash
# Send-path measurements (SendPathServer / SendPathClient): echo throughput, server CPU per MB
# (from /proc/PID/stat, all threads) and bytes allocated by the event-loop thread per message,
# for 1-connection bulk echo of 64 KiB writes and for 64-connection ping-pong of 64 B messages.
# Every label runs once per round, rounds interleave the labels so that drift on a noisy machine
# hits them alike, and the medians over the rounds are printed at the end. The server is pinned
# to CPU 0 and the client to CPU 1.
#
# usage: benchmarks/scripts/send-path.sh [rounds] [label=transport[,jvm-flag...][,tree=DIR][,zc=N]]...
#   transport: iocp | nio (Netty's NIO) | epoll (Netty's native epoll; EPOLL_JARS=jar:jar... must name
#              netty-transport-classes-epoll and netty-transport-native-epoll's linux-x86_64 jar)
#   tree=DIR:  run the classes built in another checkout (e.g. a baseline), default this one
#   zc=N:      SEND_ZEROCOPY_THRESHOLD N for the iocp children
#   e.g. benchmarks/scripts/send-path.sh 3 uring=iocp nio-backend=iocp,-Ddev.iocp.backend=nio
# environment: BULK_SIZE (65536), ECHO_SIZE (64), ECHO_CONNECTIONS (64), WARMUP (5), SECONDS_PER_RUN (10)
# needs: a JDK 25 in JAVA_HOME, taskset, python3, and `mvn -o -pl transport-iocp,benchmarks package
# -DskipTests` done in each tree used (no install).
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-3}
shift || true
[ $# -gt 0 ] || set -- uring=iocp nio-backend=iocp,-Ddev.iocp.backend=nio
java="${JAVA_HOME:?point JAVA_HOME at a JDK 25}/bin/java"
port=${PORT:-18107}
control=$((port + 1))
warmup=${WARMUP:-5}
seconds=${SECONDS_PER_RUN:-10}
out=$(mktemp -d /tmp/send-path.XXXXXX)

# Third-party jars only: the transport's own classes come from the tree being measured.
mvn -B -o -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$out/deps.txt" -Dmdep.includeScope=runtime >/dev/null
deps=$(tr ':' '\n' <"$out/deps.txt" | grep -v '/dev/iocp/' | paste -sd: -)

run_one() {
  local round=$1 label=$2 spec=$3
  local transport=${spec%%,*} flags=() tree=. zc=-1 item
  IFS=, read -ra items <<<"${spec#"$transport"}"
  for item in "${items[@]}"; do
    case "$item" in
      '') ;;
      tree=*) tree=${item#tree=} ;;
      zc=*) zc=${item#zc=} ;;
      *) flags+=("$item") ;;
    esac
  done
  local cp="$tree/transport-iocp/target/classes:$tree/benchmarks/target/classes:$deps${EPOLL_JARS:+:$EPOLL_JARS}"
  taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+AlwaysPreTouch "${flags[@]}" -cp "$cp" \
    dev.iocp.benchmarks.sendpath.SendPathServer "$transport" "$port" "$control" "$zc" >"$out/server-$label-$round.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  local mode
  for mode in bulk echo; do
    local connections=1 size=${BULK_SIZE:-65536}
    if [ "$mode" = echo ]; then connections=${ECHO_CONNECTIONS:-64}; size=${ECHO_SIZE:-64}; fi
    local line
    line=$(taskset -c 1 "$java" -cp "$cp" dev.iocp.benchmarks.sendpath.SendPathClient \
      "$mode" "$port" "$control" "$warmup" "$seconds" "$connections" "$size")
    echo "$round $label $mode $line"
  done
  echo quit >"/dev/tcp/127.0.0.1/$control" || true
  wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$rounds"); do
  for arg in "$@"; do
    run_one "$round" "${arg%%=*}" "${arg#*=}"
  done
done | tee "$out/results.txt"

echo "--- medians over $rounds round(s) (logs in $out)"
python3 - "$out/results.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    _, label, mode, *pairs = line.split()
    for name, value in (p.split("=") for p in pairs):
        rows.setdefault((mode, label), {}).setdefault(name, []).append(float(value))
for (mode, label), metrics in sorted(rows.items()):
    print(f"{mode:5} {label:16}", " ".join(f"{n}={statistics.median(v):g}" for n, v in metrics.items()))
PY
