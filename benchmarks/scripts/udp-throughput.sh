#!/usr/bin/env bash
# UDP throughput on loopback (UdpThroughput): a client flushes PER_FLUSH datagrams at a time to a
# server that counts them, for each size in SIZES, one transport per JVM. Every label runs once
# per round and rounds interleave the labels, so that drift on a noisy machine hits them alike;
# the medians over the rounds (datagrams sent per second, and received by the server) are
# printed at the end.
#
# usage: benchmarks/scripts/udp-throughput.sh [rounds] [label=transport[,jvm-flag...][,tree=DIR]]...
#   transport: iocp (the backend as -Ddev.iocp.backend picks it) | nio | epoll | io_uring (Netty's)
#   tree=DIR:  run transport-iocp's classes built in another checkout (a baseline), default this one
#   e.g. benchmarks/scripts/udp-throughput.sh 3 iocp=iocp iocp-nio=iocp,-Ddev.iocp.backend=nio epoll=epoll
# environment: SIZES ("64 1024"), PER_FLUSH (64), SECONDS_PER_RUN (5)
# needs: a JDK 25 in JAVA_HOME, python3, and `mvn -o -pl transport-iocp,benchmarks package
# -DskipTests` done here (and `mvn -o -pl transport-iocp compile` in each other tree; no install).
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-3}
shift || true
[ $# -gt 0 ] || set -- iocp=iocp iocp-nio=iocp,-Ddev.iocp.backend=nio nio=nio epoll=epoll io_uring=io_uring
java="${JAVA_HOME:?point JAVA_HOME at a JDK 25}/bin/java"
sizes=${SIZES:-64 1024}
per_flush=${PER_FLUSH:-64}
seconds=${SECONDS_PER_RUN:-5}
out=$(mktemp -d /tmp/udp-throughput.XXXXXX)

# Third-party jars only: the transport's own classes come from the tree being measured.
mvn -B -o -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$out/deps.txt" -Dmdep.includeScope=runtime >/dev/null
deps=$(tr ':' '\n' <"$out/deps.txt" | grep -v '/dev/iocp/' | paste -sd: -)

for ((round = 1; round <= rounds; round++)); do
  for size in $sizes; do
    for spec in "$@"; do
      label=${spec%%=*}
      rest=${spec#*=}
      transport=${rest%%,*}
      flags=()
      tree=.
      IFS=, read -ra items <<<"${rest#"$transport"}"
      for item in "${items[@]}"; do
        case "$item" in
          "") ;;
          tree=*) tree=${item#tree=} ;;
          *) flags+=("$item") ;;
        esac
      done
      line=$("$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "${flags[@]}" \
        -cp "$tree/transport-iocp/target/classes:benchmarks/target/classes:$deps" \
        dev.iocp.benchmarks.udp.UdpThroughput "$transport" "$size" "$per_flush" "$seconds" 2>/dev/null | grep '^transport=' || true)
      echo "round $round $label $line"
      echo "$label $size $line" >>"$out/raw.txt"
    done
  done
done

python3 - "$out/raw.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, size, rest = line.split(' ', 2)
    m = re.search(r'sent/s=(\d+) received/s=(\d+)', rest)
    if m:
        rows.setdefault((label, int(size)), []).append((int(m.group(1)), int(m.group(2))))
print("\n| label | datagram | sent/s (median, min-max) | received/s (median) |")
print("|---|---|---|---|")
for (label, size), runs in rows.items():
    sent = [s for s, _ in runs]
    got = [r for _, r in runs]
    print(f"| {label} | {size} B | {statistics.median(sent):,.0f} ({min(sent):,}-{max(sent):,}) | {statistics.median(got):,.0f} |")
PY
echo "raw: $out/raw.txt"
