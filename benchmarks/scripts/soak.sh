#!/usr/bin/env bash
# Soak test of the transport (not part of CI): a server (SoakServer: echo + HTTP hello world on
# the Iocp transport, leak detection PARANOID) under mixed load from short-lived driver processes
# (SoakDriver), a third of whose sessions end abnormally, while whole driver processes are
# killed with SIGKILL at random. At the end: a summary and a PASS/FAIL verdict.
#
# usage: benchmarks/scripts/soak.sh [minutes=10] [backend=io_uring|nio|auto]
#   e.g. benchmarks/scripts/soak.sh 10            # the 10-minute soak on io_uring
#        benchmarks/scripts/soak.sh 10 nio        # the same on the portable nio backend
#        benchmarks/scripts/soak.sh 0.5           # a 30-second check of the harness itself
# environment (all optional):
#   SOAK_OUT=dir           where the logs go (default: a new /tmp/soak.XXXXXX)
#   SOAK_CONNECTIONS=64    concurrent client connections, spread over the driver lanes
#   SOAK_LANES=4           driver processes running at once (each one is killed or replaced in turn)
#   SOAK_INTERVAL=10       seconds between the server's status lines
#   SOAK_PIN=0             do not pin the server to CPU 0 and the drivers to CPU 1
#   SOAK_SKIP_BUILD=1      reuse benchmarks/target/benchmarks.jar as it is
#   SOAK_MVN_ARGS="-o"     extra Maven arguments for the build (e.g. offline)
# verdict FAIL on any of: a leak report; an unexpected exception at a pipeline's end; a warning
# or error logged by Netty or the transport; a driver verification failure (a wrong or missing
# byte or response); a crashed driver; a connection still open on the server once every client
# is gone; more descriptors then than before the load (+ FD_SLACK); RSS growth past the bound
# below; a server that did not finish cleanly; no verified traffic at all.
# needs: Linux (/proc), a JDK 25 (JAVA_HOME or /usr/lib/jvm, as .ci/run finds it), Maven;
# builds benchmarks/target/benchmarks.jar itself (no `mvn install` needed).
set -euo pipefail
cd "$(dirname "$0")/../.."

minutes=${1:-10}
backend=${2:-io_uring}
case "$backend" in io_uring|nio|auto) ;; *) echo "backend must be io_uring, nio or auto, not '$backend'" >&2; exit 2 ;; esac
load_s=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); print (s < 20 ? 20 : s) }')
connections=${SOAK_CONNECTIONS:-64}
lanes=${SOAK_LANES:-4}
interval=${SOAK_INTERVAL:-10}
per_lane=$(( (connections + lanes - 1) / lanes ))

# --- verdict bounds --------------------------------------------------------------------------
# Descriptors: with every connection gone, the server must be back to its count right after it
# started listening. The slack covers descriptors the JVM opens lazily and keeps (a jar opened
# for a late class load, /dev/random); a leak per reset would exceed it within a minute.
FD_SLACK=8
# Memory: RSS may grow by at most this much between the memory mark (2 minutes in, or half-way
# through runs shorter than 4 minutes) and the end of the load. By the mark the heap is fully
# committed (fixed size, pre-touched), the pooled allocator's arenas have reached the working
# set of the bounded number of connections, and the JIT has compiled the hot paths; what can
# still grow legitimately is the JIT's code cache (late, colder compilations) and malloc's
# fragmentation, a few tens of MiB at most (1-minute runs here moved by under 10 MiB). The
# load opens 35 000-55 000 connections a minute on a 2-core machine, so a native leak of about
# 200 B per connection (one small buffer, one sockaddr) exceeds the bound within 10 minutes.
# Java objects leaked on the heap do not show here (the heap is fixed); they end in
# OutOfMemoryError (counted as unexpected or as a logged error), and unclosed channels are caught by the checks below.
RSS_GROWTH_BOUND_KIB=$(( 64 * 1024 ))
# ---------------------------------------------------------------------------------------------

# shellcheck source=jdk25.sh
. benchmarks/scripts/jdk25.sh 1
java="$JAVA_HOME/bin/java"
jar=benchmarks/target/benchmarks.jar

if [ "${SOAK_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
  echo "building $jar ..."
  # shellcheck disable=SC2086
  mvn -B -q ${SOAK_MVN_ARGS:-} -pl benchmarks -am package -DskipTests
fi

out=${SOAK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")}
mkdir -p "$out"
server_pin=() load_pin=() pinning=none
if [ "${SOAK_PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_pin=(taskset -c 0) load_pin=(taskset -c 1) pinning="server on CPU 0, drivers on CPU 1"
fi
echo "soak: ${load_s}s on backend $backend, $connections connections in $lanes driver lanes," \
     "JDK $JAVA_HOME, pinning: $pinning; logs in $out"

# On an early exit (Ctrl-C, an error): stop what this script started, by pid: its own
# background jobs (server, lanes, log tail) and the drivers the lanes are running.
cleanup() {
  local f pid
  for f in "$out"/lane-*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'soak.SoakDriver'; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  for pid in $(jobs -p); do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the server ------------------------------------------------------------------------------
# Fixed, pre-touched heap: RSS then does not grow with the heap, so RSS growth means native
# memory. Direct memory is allowed well past the pools' working set, so a leak shows as RSS
# growth and leak reports rather than as allocation failures that would stop the load.
"${server_pin[@]}" "$java" --enable-native-access=ALL-UNNAMED -Ddev.iocp.backend="$backend" \
  -Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=1g \
  -Dio.netty.leakDetection.level=paranoid \
  -cp "$jar" dev.iocp.benchmarks.soak.SoakServer --seconds "$load_s" --interval "$interval" \
  >"$out/server.log" 2>"$out/server.err" &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q '^soak-server listening' "$out/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^soak-server listening' "$out/server.log"; then
  echo "the server did not start:" >&2; cat "$out/server.err" >&2; exit 1
fi
listening=$(grep '^soak-server listening' "$out/server.log")
echo_port=$(sed -n 's/.* echo_port=\([0-9]*\).*/\1/p' <<<"$listening")
http_port=$(sed -n 's/.* http_port=\([0-9]*\).*/\1/p' <<<"$listening")
end=$(( $(date +%s) + load_s ))
echo "$listening"
# Show the server's status lines as they come; the tail ends with the server.
tail --pid="$server_pid" -n +2 -F "$out/server.log" 2>/dev/null | grep --line-buffered '^soak-' &

# --- the drivers -----------------------------------------------------------------------------
# Each lane runs driver processes one after another, each for 10-40 s, until the end; a driver
# exits by itself when its time is up, unless the killer below gets it first.
lane() {
  local lane=$1 n=0 now left life pid rc
  while :; do
    now=$(date +%s); left=$(( end - now ))
    [ "$left" -ge 3 ] || break
    life=$(( 10 + RANDOM % 31 )); [ "$life" -le "$left" ] || life=$left
    n=$(( n + 1 ))
    "${load_pin[@]}" "$java" -Xmx256m -XX:+UseSerialGC -cp "$jar" dev.iocp.benchmarks.soak.SoakDriver \
      --echo-port "$echo_port" --http-port "$http_port" --connections "$per_lane" --seconds "$life" \
      >"$out/driver-$lane-$n.log" 2>&1 &
    pid=$!
    echo "$pid" >"$out/lane-$lane.pid"
    # (braces: keeps bash's "Killed" job notice off the terminal)
    rc=0; { wait "$pid"; } 2>/dev/null || rc=$?
    # 0: ran its course; 137: killed with SIGKILL by the killer. Anything else: it crashed.
    if [ "$rc" != 0 ] && [ "$rc" != 137 ]; then echo "driver-crash lane=$lane n=$n rc=$rc" >>"$out/driver-crashes.log"; fi
  done
  rm -f "$out/lane-$lane.pid"
}
lane_pids=()
for l in $(seq 1 "$lanes"); do
  lane "$l" &
  lane_pids+=("$!")
done

# The killer: every 8-22 s, SIGKILL one running driver; the kernel then resets all its
# connections at once. It checks the pid still is a driver before killing it.
kills=0
next_kill=$(( $(date +%s) + 5 + RANDOM % 10 ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 1
  now=$(date +%s)
  if [ "$now" -ge "$next_kill" ] && [ "$now" -lt $(( end - 3 )) ]; then
    pidfile="$out/lane-$(( 1 + RANDOM % lanes )).pid"
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'soak.SoakDriver'; then
      kill -9 "$pid" 2>/dev/null && kills=$(( kills + 1 )) && echo "soak: killed driver $pid (SIGKILL)"
    fi
    next_kill=$(( now + 8 + RANDOM % 15 ))
  fi
done

# The drivers finish their last sessions by themselves; one still running well after that is
# killed, which only resets its connections.
straggler_deadline=$(( end + 60 ))
for pid in "${lane_pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$straggler_deadline" ]; do sleep 1; done
done
for f in "$out"/lane-*.pid; do
  [ -f "$f" ] || continue
  echo "soak: driver $(cat "$f") still running at the end + 60 s; killing it"
  kill -9 "$(cat "$f")" 2>/dev/null || true
done
wait "${lane_pids[@]}" 2>/dev/null || true

# The server drains (up to 60 s), counts its descriptors, shuts down and prints soak-final.
server_rc=0
server_deadline=$(( $(date +%s) + 120 ))
while kill -0 "$server_pid" 2>/dev/null && [ "$(date +%s)" -lt "$server_deadline" ]; do sleep 1; done
if kill -0 "$server_pid" 2>/dev/null; then
  echo "soak: the server did not stop within 120 s after the load; killing it" >&2
  kill -9 "$server_pid" 2>/dev/null || true
  server_rc=timeout
else
  wait "$server_pid" || server_rc=$?
fi
sleep 0.5 # let the tail print the last lines

# --- summary ---------------------------------------------------------------------------------
status_field() { # status_field KEY LINE
  sed -n "s/.* $1=\([0-9-]*\).*/\1/p" <<<"$2"
}
final=$(grep '^soak-final' "$out/server.log" || true)
load_samples=$(grep '^soak-status phase=load' "$out/server.log" || true)
if [ "$load_s" -ge 240 ]; then mem_mark=120; else mem_mark=$(( load_s / 2 )); fi
warm_mark=$(( load_s >= 300 ? 30 : interval ))
# start: the first sample after the warm-up; memory mark: the first sample at or after it;
# end: the last sample under load; max over all samples under load.
read -r rss_start fds_start < <(awk -v w="$warm_mark" '{for(i=2;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]}} v["t_s"]>=w {print v["rss_kib"], v["fds"]; exit}' <<<"$load_samples") || true
rss_mark=$(awk -v m="$mem_mark" '{for(i=2;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]}} v["t_s"]>=m {print v["rss_kib"]; exit}' <<<"$load_samples")
read -r rss_end fds_end_load < <(awk '{for(i=2;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]}} END {print v["rss_kib"], v["fds"]}' <<<"$load_samples") || true
read -r rss_max fds_max < <(awk '{for(i=2;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]} if(v["rss_kib"]+0>r)r=v["rss_kib"]+0; if(v["fds"]+0>f)f=v["fds"]+0} END {print r+0, f+0}' <<<"$load_samples") || true

fds_idle_start=$(status_field fds_idle_start "$final")
fds_end=$(status_field fds_end "$final")
live_end=$(status_field live_end "$final")
accepted=$(status_field accepted "$final")
leaks=$(status_field leaks "$final")
unexpected=$(status_field unexpected "$final")
resets=$(status_field resets "$final")
truncated=$(status_field truncated "$final")
closed_after_peer_gone=$(status_field closed_after_peer_gone "$final")
warnings=$(status_field warnings "$final")

failures=$(cat "$out"/driver-*.log 2>/dev/null | grep -c '^driver-failure' || true)
crashes=0
[ ! -f "$out/driver-crashes.log" ] || crashes=$(wc -l <"$out/driver-crashes.log")
drivers=$(find "$out" -name 'driver-*-*.log' | wc -l)
# Totals: the last tally line of each driver (a killed driver's last few seconds are missing).
totals=$(for f in "$out"/driver-*-*.log; do grep '^driver-tally' "$f" | tail -n 1 || true; done \
  | awk '{for(i=2;i<=NF;i++){split($i,kv,"="); s[kv[1]]+=kv[2]}}
         END {n = split("echo_bytes http_responses echo echo_half_close echo_reset http http_reset connect_reset", k, " ");
              for (i = 1; i <= n; i++) printf "%s=%.0f ", k[i], s[k[i]]}')
echo_bytes=$(sed -n 's/.*echo_bytes=\([0-9]*\).*/\1/p' <<<"$totals")
http_responses=$(sed -n 's/.*http_responses=\([0-9]*\).*/\1/p' <<<"$totals")

mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
echo
echo "===== soak summary: ${load_s}s, backend $backend (server log: $out/server.log) ====="
echo "RSS:          start $(mib "$rss_start") (t>=${warm_mark}s), at ${mem_mark}s $(mib "$rss_mark"), max $(mib "$rss_max"), end $(mib "$rss_end")"
echo "descriptors:  idle before load $fds_idle_start, start $fds_start (t>=${warm_mark}s, with connections), max $fds_max, end of load $fds_end_load, end with no connection $fds_end"
echo "connections:  accepted $accepted, still open at the end $live_end"
echo "server:       leak reports $leaks, unexpected exceptions $unexpected, logged warnings $warnings, exit status $server_rc;" \
     "expected: resets/broken pipes $resets, queued writes failed by the close after the peer went ${closed_after_peer_gone:-0}, requests cut short $truncated"
echo "drivers:      $drivers processes, $kills killed with SIGKILL, $crashes crashed; verification failures $failures"
echo "verified:     ${totals:-nothing}(sessions by scenario; lower bounds: a killed driver's last 2 s are not counted)"
grep '^soak-kind' "$out/server.log" | head -n 12 | sed 's/^/  /' || true
cat "$out"/driver-*-*.log 2>/dev/null | grep '^driver-failure' | head -n 5 | sed 's/^/  /' || true

verdict=PASS
fail() { verdict=FAIL; echo "FAIL: $*"; }
[ -n "$final" ] || fail "the server printed no final summary (see $out/server.err)"
[ "${server_rc}" = 0 ] || fail "the server exited with status $server_rc"
[ "${leaks:-1}" -eq 0 ] || fail "$leaks leak report(s) (first ones in $out/server.err)"
[ "${unexpected:-1}" -eq 0 ] || fail "$unexpected unexpected exception(s) (first ones in $out/server.err)"
[ "${warnings:-1}" -eq 0 ] || fail "$warnings warning(s)/error(s) logged by Netty or the transport ($out/server.err)"
[ "$failures" -eq 0 ] || fail "$failures verification failure(s): grep driver-failure $out/driver-*.log"
[ "$crashes" -eq 0 ] || fail "$crashes driver process(es) crashed ($out/driver-crashes.log)"
[ "${live_end:-1}" -eq 0 ] || fail "$live_end connection(s) still open on the server after every client was gone"
[ "${fds_end:-999999}" -le $(( ${fds_idle_start:-0} + FD_SLACK )) ] \
  || fail "descriptors: $fds_end with no connection open, against $fds_idle_start before the load (slack $FD_SLACK)"
[ -n "$rss_mark" ] && [ -n "$rss_end" ] && [ $(( rss_end - rss_mark )) -le "$RSS_GROWTH_BOUND_KIB" ] \
  || fail "RSS grew by $(mib $(( ${rss_end:-0} - ${rss_mark:-0} ))) from ${mem_mark}s to the end (bound $(mib "$RSS_GROWTH_BOUND_KIB"))"
[ "${echo_bytes:-0}" -gt 0 ] && [ "${http_responses:-0}" -gt 0 ] || fail "no verified echo or HTTP traffic: the load did not run"
echo "verdict: $verdict"
[ "$verdict" = PASS ]
