#!/usr/bin/env bash
# The welcome page, Redis sessions against Tomcat's in-memory sessions, side by side on one machine.
#
#   src/bench/bench.sh [--duration 10s] [--connections 16] [--threads 2] [--rounds 5] [--near-cache on|off]
#                      [--no-build]
#
# Builds the app, starts a Redis of its own and the app twice on it (SESSION_STORE=redis and SESSION_STORE=container,
# each on its own port), logs in on each, warms up, then runs wrk on the welcome page alternately for several rounds.
# Prints one table: requests per second (median of the rounds), latency p50 and p99 (medians), the ratio to the
# container baseline, Redis round trips and commands per page (from INFO stats of its own Redis) and the Redis
# memory of one logged-in session. Loopback only; stops everything it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=10s CONNECTIONS=16 THREADS=2 ROUNDS=5 BUILD=1 NEAR_CACHE=on
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --near-cache) NEAR_CACHE=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "usage: $0 [--duration 10s] [--connections 16] [--threads 2] [--rounds 5] [--near-cache on|off]" \
         "[--no-build]" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}
[ $BUILD = 1 ] && (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK=$(mktemp -d /tmp/session-store-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() {
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not answer" >&2; exit 1
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

declare -A PORT COOKIE
for mode in redis container; do
  PORT[$mode]=$(free_port)
  # No access log: a line per request would measure the terminal's log file, the same for both.
  PORT=${PORT[$mode]} SESSION_STORE=$mode SESSION_NEAR_CACHE=$NEAR_CACHE REDIS_URL=redis://127.0.0.1:$REDIS_PORT KEY_PREFIX="bench:$mode:" \
    ACCESS_LOG=off java -Xms512m -Xmx512m -jar "$ROOT/target/session-store.jar" >"$WORK/$mode.log" 2>&1 &
  PIDS+=($!)
done
for mode in redis container; do
  base=http://127.0.0.1:${PORT[$mode]}
  wait_http "$base/health"
  jar=$WORK/$mode.cookies
  curl -sf -c "$jar" -b "$jar" -o /dev/null "$base/login"
  csrf=$(awk '$6 == "CSRF" {print $7}' "$jar")
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "email=bench-$mode@example.com" \
    --data-urlencode "csrf=$csrf" "$base/login"
  COOKIE[$mode]=$(awk '$6 == "SESSION" || $6 == "SESSION_V" || $6 == "JSESSIONID" {printf "%s=%s; ", $6, $7}' "$jar")
  page=$(curl -s -H "Cookie: ${COOKIE[$mode]}" "$base/")
  grep -q 'id="visits"' <<<"$page" || { echo "bench: login on $mode failed" >&2; exit 1; }
done

# Seconds from a wrk latency such as 812.00us, 1.20ms or 1.01s, in microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60000000; else print n * 1000000 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
stat() { rcli info stats | tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2 }'; }

run_wrk() { # mode duration -> wrk output
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -H "Cookie: ${COOKIE[$1]}" "http://127.0.0.1:${PORT[$1]}/"
}

echo "bench: warming up (both modes)" >&2
for mode in redis container; do run_wrk "$mode" 5s >/dev/null; done

declare -A RPS P50 P99 RT CMDS ERR
for round in $(seq 1 "$ROUNDS"); do
  order="redis container"; [ $((round % 2)) = 0 ] && order="container redis"
  for mode in $order; do
    reads0=$(stat total_reads_processed); cmds0=$(stat total_commands_processed)
    out=$(run_wrk "$mode" "$DURATION")
    reads1=$(stat total_reads_processed); cmds1=$(stat total_commands_processed)
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    RPS[$mode]+="$(awk '/Requests\/sec/ { print $2 }' <<<"$out") "
    P50[$mode]+="$(to_us "$(awk '$1 == "50%" { print $2 }' <<<"$out")") "
    P99[$mode]+="$(to_us "$(awk '$1 == "99%" { print $2 }' <<<"$out")") "
    # INFO itself is one read and one command per call.
    RT[$mode]+="$(awk -v a="$reads0" -v b="$reads1" -v n="$requests" 'BEGIN { printf "%.2f", (b - a - 1) / n }') "
    CMDS[$mode]+="$(awk -v a="$cmds0" -v b="$cmds1" -v n="$requests" 'BEGIN { printf "%.2f", (b - a - 1) / n }') "
    ERR[$mode]=$(( ${ERR[$mode]:-0} + $(awk '/Non-2xx|Socket errors/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i } END { print s + 0 }' <<<"$out") ))
    echo "bench: round $round $mode $(awk '/Requests\/sec/ { print $2 }' <<<"$out") req/s" >&2
  done
done

session_key=$(rcli --scan --pattern 'bench:redis:session:*' | head -n 1)
bytes=$(rcli memory usage "$session_key" samples 0)
base_rps=$(tr ' ' '\n' <<<"${RPS[container]}" | grep . | median)

echo
echo "Welcome page, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds alternating, medians; near cache $NEAR_CACHE"
printf '%-10s %10s %9s %9s %7s %10s %10s %8s %14s\n' store 'req/s' 'p50 ms' 'p99 ms' ratio 'RT/page' 'cmds/page' errors 'bytes/session'
for mode in redis container; do
  rps=$(tr ' ' '\n' <<<"${RPS[$mode]}" | grep . | median)
  p50=$(tr ' ' '\n' <<<"${P50[$mode]}" | grep . | median)
  p99=$(tr ' ' '\n' <<<"${P99[$mode]}" | grep . | median)
  rt=$(tr ' ' '\n' <<<"${RT[$mode]}" | grep . | median)
  cmds=$(tr ' ' '\n' <<<"${CMDS[$mode]}" | grep . | median)
  session_bytes=-; [ "$mode" = redis ] && session_bytes=$bytes
  printf '%-10s %10.0f %9.2f %9.2f %7.2f %10s %10s %8s %14s\n' "$mode" "$rps" "$(awk -v u="$p50" 'BEGIN { print u / 1000 }')" \
    "$(awk -v u="$p99" 'BEGIN { print u / 1000 }')" "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { print a / b }')" \
    "$rt" "$cmds" "${ERR[$mode]}" "$session_bytes"
done
