#!/usr/bin/env bash
# One large file sent over loopback by the examples' HTTP file server (HttpStaticFileServer, whose
# bodies are DefaultFileRegions), fetched with curl, for each server configuration given, in
# alternating rounds so that drift on a noisy machine hits every configuration alike. The server
# is pinned to CPU 0 and curl to CPU 1 (taskset). Reports per configuration: the download rate
# (MB/s, 10^6 bytes, curl's own figure) and the server process's CPU time (user + system, all
# its threads, io_uring's io-wq workers included) per GiB sent.
#
# usage: benchmarks/scripts/file-send.sh [MiB] [downloads per round] [rounds] [label=transport[,jvm-flag...]]...
#   e.g. benchmarks/scripts/file-send.sh 256 5 3 iocp=iocp iocp-on-nio=iocp,-Ddev.iocp.backend=nio netty-nio=nio
#   a flag with a space in it is written with '+' for the space ('--add-opens+java.base/...').
# needs: curl, taskset, a JDK 25 in JAVA_HOME, and `mvn -pl examples -am -DskipTests package` done
# (the classes are taken from target/, never from ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mib=${1:-256}
downloads=${2:-5}
rounds=${3:-3}
shift 3 || shift $#
[ $# -gt 0 ] || set -- iocp=iocp iocp-on-nio=iocp,-Ddev.iocp.backend=nio netty-nio=nio
java="${JAVA_HOME:?point JAVA_HOME at a JDK 25}/bin/java"
port=${PORT:-18081}
ticks=$(getconf CLK_TCK)
dir=$(mktemp -d /tmp/file-send.XXXXXX)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$dir/file.bin"
cat "$dir/file.bin" >/dev/null # in the page cache: this measures sending, not the disk
deps=$(mvn -B -q -o -Dstyle.color=never -pl examples dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=/dev/stdout | tr ':' '\n' | grep -v '/dev/iocp/' | paste -sd:)
cp="examples/target/classes:transport-iocp/target/classes:$deps"
url="http://127.0.0.1:$port/file.bin"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_one() {
  local label=$1 spec=$2
  local transport=${spec%%,*} flags=""
  [ "$spec" != "$transport" ] && flags=${spec#*,}
  flags=${flags//,/ }
  # shellcheck disable=SC2086
  taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED ${flags//+/ } -cp "$cp" \
    dev.iocp.examples.HttpStaticFileServer --transport "$transport" --port "$port" --dir "$dir" \
    >"/tmp/file-send-server-$label.log" 2>&1 &
  server=$!
  local pid=$server
  for _ in $(seq 1 100); do
    curl -fsI "$url" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsI "$url" >/dev/null || { echo "$label: the server did not answer (/tmp/file-send-server-$label.log)" >&2; exit 1; }
  for _ in 1 2 3; do # warm-up (JIT)
    taskset -c 1 curl -fs -o /dev/null "$url"
  done
  local before after rates=""
  before=$(cpu_ticks "$pid")
  for _ in $(seq 1 "$downloads"); do
    rates="$rates $(taskset -c 1 curl -fs -o /dev/null -w '%{speed_download}' "$url")"
  done
  after=$(cpu_ticks "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  server=
  echo "$rates" | awk -v label="$label" -v cpu=$((after - before)) -v ticks="$ticks" \
    -v gib="$(echo "$downloads * $size_mib / 1024" | bc -l)" \
    '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%s %.0f %.3f\n", label, s / NF / 1e6, cpu / ticks / gib }'
}

results=/tmp/file-send-results.txt
: >"$results"
for _ in $(seq 1 "$rounds"); do
  for arg in "$@"; do
    run_one "${arg%%=*}" "${arg#*=}" >>"$results" # not in a pipeline: the EXIT trap must see $server
    tail -n 1 "$results"
  done
done
echo "--- per label: mean MB/s, mean server CPU seconds per GiB sent (rounds: $rounds x $downloads downloads of $size_mib MiB)"
awk '{r[$1] += $2; c[$1] += $3; n[$1]++} END {for (l in r) printf "%-24s %8.0f MB/s %8.3f CPU-s/GiB\n", l, r[l] / n[l], c[l] / n[l]}' \
  "$results" | sort
