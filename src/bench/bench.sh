#!/usr/bin/env bash
# The demo with Redis sessions against the same app with Tomcat's in-memory sessions, side by side on one machine.
#
#   src/bench/bench.sh [--mode page|login|logout] [--sessions N] [--near-cache on|off] [--near-cache-size N]
#                      [--duration 10s] [--connections 16] [--threads 2] [--rounds 5] [--warmup 60]
#                      [--no-build]
#
# Builds the app, starts it twice (SESSION_STORE=redis and SESSION_STORE=container, each on its own port with a Redis
# of its own, METRICS_ENABLED=true, no access log), warms up, then runs wrk on each alternately for several rounds.
# The warm-up (--warmup seconds per app, default 60, in three alternating parts) lets the JIT compile both apps'
# request paths first: on two cores, the first 10 s of a fresh JVM ran at a third of its later rate, and the C2
# compiler of the Redis app (more code on its request path: the client, the near cache) was still busy 40 s in. In
# page mode each round is preceded by 10 s of unmeasured pages on the same app, which was idle during the other
# app's round.
# Modes:
#   page    the welcome page (the default). Before the rounds, --sessions N users (default 1) sign in on each app
#           (src/bench/sign-in.py); src/bench/page.lua sends each request with the cookies of one of them, picked at
#           random, so that a near cache smaller than N hits about its share of the time.
#   login   POST /login of a new user on each request, no session cookie: each creates a session (src/bench/login.lua).
#   logout  before each run, --sessions N users (default 10000, at least --connections) sign in; the run logs each
#           of them out once (POST /logout, src/bench/logout.lua) and ends when all are answered (--duration is then
#           a cap, 300s unless given), so its requests are the N logouts.
# --near-cache-size sets SESSION_NEAR_CACHE_MAX_ENTRIES (the app's default otherwise: 100,000).
# Both apps inherit the environment, so a setting of the library can be tried by naming it before the command, as in
# SESSION_HOUSEKEEPING_MS=2000 src/bench/bench.sh --sessions 20000 (the container app has no use for it).
#
# Prints one table: requests per second (median of the rounds), latency p50 and p99 (medians), the ratio to the
# container baseline, Redis round trips and commands per request (INFO stats of the app's Redis), the near cache's hit
# rate (sessionstore_near_cache_gets_total from /metrics), Redis CPU and the server JVM's CPU per request (INFO cpu,
# /proc/<pid>/stat), errors, the Redis memory of one signed-in session (MEMORY USAGE of its hash) and the heap of one
# cached session (sessionstore_near_cache_estimated_bytes / sessionstore_near_cache_entries, '-' without them).
# Below it, each JVM's CPU per request by thread group over all rounds (/proc/<pid>/task/*/stat): where a request's
# CPU goes (Tomcat's connector threads, Redisson's Netty threads, the store's background threads, JIT, GC).
# Loopback only; stops everything it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/src/bench
MODE=page SESSIONS= NEAR_CACHE=on CACHE_SIZE= DURATION= CONNECTIONS=16 THREADS=2 ROUNDS=5 WARMUP=60 BUILD=1

usage() {
  echo "usage: $0 [--mode page|login|logout] [--sessions N] [--near-cache on|off] [--near-cache-size N]" \
       "[--duration 10s] [--connections 16] [--threads 2] [--rounds 5] [--warmup 60] [--no-build]" >&2
  exit 2
}
count() { [[ $1 =~ ^[1-9][0-9]*$ ]] || usage; echo "$1"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift; continue ;;
    --mode|--sessions|--near-cache|--near-cache-size|--duration|--connections|--threads|--rounds|--warmup)
      [ $# -ge 2 ] || usage ;;
    *) usage ;;
  esac
  case "$1" in
    --mode) [[ $2 =~ ^(page|login|logout)$ ]] || usage; MODE=$2 ;;
    --sessions) SESSIONS=$(count "$2") ;;
    --near-cache) [[ $2 =~ ^(on|off)$ ]] || usage; NEAR_CACHE=$2 ;;
    --near-cache-size) CACHE_SIZE=$(count "$2") ;;
    --duration) [[ $2 =~ ^[0-9]+[smh]?$ ]] || usage; DURATION=$2 ;;
    --connections) CONNECTIONS=$(count "$2") ;;
    --threads) THREADS=$(count "$2") ;;
    --rounds) ROUNDS=$(count "$2") ;;
    --warmup) WARMUP=$(count "$2") ;;
  esac
  shift 2
done
case $MODE in
  page) SESSIONS=${SESSIONS:-1} DURATION=${DURATION:-10s} UNIT=page ;;
  login) [ -z "$SESSIONS" ] || { echo "bench: --sessions does not apply to --mode login" >&2; usage; }
         DURATION=${DURATION:-10s} UNIT=login ;;
  logout) SESSIONS=${SESSIONS:-10000} DURATION=${DURATION:-300s} UNIT=logout
          [ "$SESSIONS" -ge "$CONNECTIONS" ] || {
            echo "bench: --mode logout needs at least as many --sessions as --connections" >&2; exit 2; } ;;
esac
[ "$CONNECTIONS" -ge "$THREADS" ] || { echo "bench: --connections must be at least --threads" >&2; exit 2; }

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

# A Redis for each app (the container's holds its visit counter only), so that the round trips, commands and CPU
# of one app's run are not mixed with the other's background work.
declare -A REDIS_PORT PORT JVM
for store in redis container; do
  REDIS_PORT[$store]=$(free_port)
  redis-server --port "${REDIS_PORT[$store]}" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --dbfilename "$store.rdb" >"$WORK/redis-$store.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do redis-cli -p "${REDIS_PORT[$store]}" ping >/dev/null 2>&1 && break; sleep 0.05; done
done
rcli() { local store=$1; shift; redis-cli -p "${REDIS_PORT[$store]}" "$@"; }

for store in redis container; do
  PORT[$store]=$(free_port)
  # No access log: a line per request would measure the terminal's log file, the same for both.
  PORT=${PORT[$store]} SESSION_STORE=$store SESSION_NEAR_CACHE=$NEAR_CACHE SESSION_NEAR_CACHE_MAX_ENTRIES=$CACHE_SIZE \
    REDIS_URL=redis://127.0.0.1:${REDIS_PORT[$store]} KEY_PREFIX="bench:$store:" METRICS_ENABLED=true ACCESS_LOG=off \
    java -Xms512m -Xmx512m -jar "$ROOT/target/session-store.jar" >"$WORK/$store.log" 2>&1 &
  JVM[$store]=$!
  PIDS+=($!)
done

# A double-submit CSRF token (CsrfCookie): the same value as a cookie and as the form field, good for every form.
CSRF=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
base() { echo "http://127.0.0.1:${PORT[$1]}"; }

SIGNED_IN_SECONDS=
sign_in() { # store count prefix file -> signs in, prints the seconds it took
  local t0 t1
  t0=$(date +%s.%N)
  python3 "$BENCH/sign-in.py" "$(base "$1")" "$2" "$3" "$CSRF" "$4" 8
  t1=$(date +%s.%N)
  SIGNED_IN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if [ "$2" -ge 100 ]; then
    echo "bench: signed in $2 sessions on $1 in ${SIGNED_IN_SECONDS} s" \
      "($(awk -v n="$2" -v s="$SIGNED_IN_SECONDS" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.1) }')/s)" >&2
  fi
}

# The sessions of page mode (one for the other modes: the memory of a session and a check that sign-in works).
signed_in=1; [ $MODE = page ] && signed_in=$SESSIONS
declare -A COOKIES SIGN_IN
memory() { rcli redis info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }
for store in redis container; do
  wait_http "$(base $store)/health"
  COOKIES[$store]=$WORK/$store.cookies
  [ $store = redis ] && mem0=$(memory)
  sign_in $store "$signed_in" "bench-$store" "${COOKIES[$store]}"
  [ $store = redis ] && mem1=$(memory)
  SIGN_IN[$store]=$SIGNED_IN_SECONDS
  page=$(curl -s -H "Cookie: $(head -n 1 "${COOKIES[$store]}")" "$(base $store)/")
  grep -q 'id="visits"' <<<"$page" || { echo "bench: login on $store failed" >&2; exit 1; }
done
session_id=$(head -n 1 "${COOKIES[redis]}" | sed -n 's/^SESSION=\([^;]*\).*/\1/p')
bytes=$(rcli redis memory usage "bench:redis:session:{$session_id}" samples 0)
mem_per_session=$(awk -v a="$mem0" -v b="$mem1" -v n="$signed_in" 'BEGIN { printf "%.0f", (b - a) / n }')

# Seconds from a wrk latency such as 812.00us, 1.20ms or 1.01s, in microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60000000; else print n * 1000000 }'; }
median() { tr ' ' '\n' | sort -n | awk 'NF { a[++n] = $1 } END { if (n % 2) print a[(n + 1) / 2]; else if (n) print (a[n / 2] + a[n / 2 + 1]) / 2 }'; }
info() { rcli "$1" info | tr -d '\r'; }
field() { awk -F: -v k="$1" '$1 == k { print $2 }' <<<"$2"; }
# The sum of a meter's samples in a /metrics scrape whose labels contain $2 (0 when absent).
metric() { awk -v name="$1" -v label="${3:-}" 'index($1, name "{") == 1 && index($1, label) { s += $2 } END { printf "%.0f", s }' <<<"$2"; }
non2xx() { awk '/Non-2xx/ { s += $NF } END { print s + 0 }' <<<"$1"; }
scrape() { curl -sf "$(base "$1")/metrics"; }
ticks() { awk '{ print $14 + $15 }' "/proc/${JVM[$1]}/stat"; }
# Calls per Redis command (INFO commandstats: those run by scripts too), one "name calls" line each.
command_calls() { rcli "$1" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p'; }
# Per thread of the app's JVM: its id, its group and its CPU ticks (utime + stime, read after the name, which may
# hold spaces). Tomcat's connector threads (request threads, poller, acceptor), Redisson's Netty threads, the
# store's background threads, the JIT compilers, the garbage collector, and the rest.
thread_ticks() {
  local task
  for task in /proc/"${JVM[$1]}"/task/*; do
    printf '%s %s %s\n' "${task##*/}" "$(tr ' ' _ <"$task/comm")" "$(sed 's/^.*) //' "$task/stat" | awk '{ print $12 + $13 }')"
  done 2>/dev/null | awk '{ g = "other"
    if ($2 ~ /^http-nio/) g = "connector"; else if ($2 ~ /^redisson-netty/) g = "netty"
    else if ($2 ~ /^session-store/) g = "background"; else if ($2 ~ /Compiler/) g = "jit"
    else if ($2 ~ /^(GC_|G1_)/) g = "gc"
    print $1, g, $3 }'
}
# The ticks of each group between two thread_ticks listings; a thread that ended meanwhile is not counted.
thread_deltas() {
  awk 'NR == FNR { before[$1] = $3; next } { d[$2] += $3 - before[$1] } END { for (g in d) print g, d[g] }' \
    <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

RUN=0
run_wrk() { # store duration -> wrk output
  local url
  url="$(base "$1")/"
  RUN=$((RUN + 1))
  case $MODE in
    page) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -s "$BENCH/page.lua" "$url" -- "${COOKIES[$1]}" ;;
    login) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -s "$BENCH/login.lua" "$url" -- "$CSRF" "run$RUN" ;;
    logout) rm -f "$WORK/finished"
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -s "$BENCH/logout.lua" "$url" -- \
              "$WORK/$1.logout" "$CSRF" "$THREADS" "$WORK/finished" >"$WORK/wrk.out" &
            interrupt_when_finished $!
            cat "$WORK/wrk.out" ;;
  esac
}
# logout.lua interrupts wrk itself when its last thread is done. Should wrk still run half a second later (the
# signal was seen to go missing when the threads finish together), interrupt it from here. The rate does not change
# (logout.lua's own times); the CPU figures count that idle time too.
interrupt_when_finished() { # wrk pid
  local done_at= now lines
  while kill -0 "$1" 2>/dev/null; do
    lines=0; [ -f "$WORK/finished" ] && lines=$(wc -l <"$WORK/finished")
    if [ "$lines" -ge "$THREADS" ]; then
      now=$(date +%s%N)
      if [ -z "$done_at" ]; then
        done_at=$now
      elif [ $(( now - done_at )) -gt 500000000 ]; then
        echo "bench: wrk missed the end of its logouts; interrupted it" >&2
        kill -INT "$1" 2>/dev/null || true
        done_at=$now
      fi
    fi
    sleep 0.1
  done
  wait "$1"
}
prepare() { # store count -> the sessions a logout run ends
  [ $MODE = logout ] && sign_in "$1" "$2" "logout$RUN-$1" "$WORK/$1.logout"
  return 0
}

echo "bench: warming up (both stores)" >&2
WARM_SESSIONS=$(( ${SESSIONS:-0} < 5000 ? ${SESSIONS:-0} : 5000 ))
for part in 1 2 3; do
  for store in redis container; do
    prepare $store "$WARM_SESSIONS"
    run_wrk $store "$(( (WARMUP + 2) / 3 ))s" >/dev/null
  done
done

declare -A RPS P50 P99 RT CMDS HIT RCPU SCPU ERR THREADS_CPU ALL_REQUESTS COMMAND_CALLS
add() { eval "$1[\$2]+=\"\$3 \""; }
per() { # before after [scale] [less] -> (after - before - less) * scale per request
  awk -v a="$1" -v b="$2" -v n="$requests" -v k="${3:-1}" -v d="${4:-0}" 'BEGIN { printf "%.2f", (b - a - d) * k / n }'
}
for round in $(seq 1 "$ROUNDS"); do
  order="redis container"; [ $((round % 2)) = 0 ] && order="container redis"
  for store in $order; do
    prepare $store "${SESSIONS:-0}"
    # The app sat idle through the other one's round, which real traffic never does: a near cache keeps copies of
    # sessions used within the last 10 s confirmed, so the round starts after as long of unmeasured pages.
    [ $MODE = page ] && run_wrk $store 10s >/dev/null
    c0=$(command_calls $store)
    m0=$(scrape $store); ticks0=$(ticks $store); threads0=$(thread_ticks $store); i0=$(info $store)
    out=$(run_wrk $store "$DURATION")
    i1=$(info $store); threads1=$(thread_ticks $store); ticks1=$(ticks $store); m1=$(scrape $store)
    c1=$(command_calls $store)
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    if [ $MODE = logout ] && [ "$(wc -l <"$WORK/finished" 2>/dev/null || echo 0)" -lt "$THREADS" ]; then
      echo "bench: not all logouts were answered within $DURATION: wrk's own figures for this run" >&2
    elif [ $MODE = logout ]; then # the logouts alone, from the first request to the last logout answered
      requests=$SESSIONS
      rps=$(awk -v n="$requests" 'NR == 1 || $2 < s { s = $2 } $3 > e { e = $3 } END { printf "%.2f", n * 1e9 / (e - s) }' \
        "$WORK/finished")
    fi
    add RPS $store "$rps"
    add P50 $store "$(to_us "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    add P99 $store "$(to_us "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    # The first INFO is one read and one command of the second's totals.
    add RT $store "$(per "$(field total_reads_processed "$i0")" "$(field total_reads_processed "$i1")" 1 1)"
    cmds=$(per "$(field total_commands_processed "$i0")" "$(field total_commands_processed "$i1")" 1 1)
    add CMDS $store "$cmds"
    rcpu0=$(awk -v a="$(field used_cpu_user "$i0")" -v b="$(field used_cpu_sys "$i0")" 'BEGIN { print a + b }')
    rcpu1=$(awk -v a="$(field used_cpu_user "$i1")" -v b="$(field used_cpu_sys "$i1")" 'BEGIN { print a + b }')
    add RCPU $store "$(per "$rcpu0" "$rcpu1" 1000000)"
    add SCPU $store "$(per "$ticks0" "$ticks1" "$TICK_US")"
    while read -r group delta; do
      THREADS_CPU[$store:$group]=$(( ${THREADS_CPU[$store:$group]:-0} + delta ))
    done < <(thread_deltas "$threads0" "$threads1")
    ALL_REQUESTS[$store]=$(( ${ALL_REQUESTS[$store]:-0} + requests ))
    while read -r name delta; do
      COMMAND_CALLS[$store:$name]=$(( ${COMMAND_CALLS[$store:$name]:-0} + delta ))
    done < <(awk 'NR == FNR { before[$1] = $2; next } { print $1, $2 - before[$1] }' <(printf '%s\n' "$c0") \
      <(printf '%s\n' "$c1"))
    hit=$(( $(metric sessionstore_near_cache_gets_total "$m1" 'result="hit"') \
          - $(metric sessionstore_near_cache_gets_total "$m0" 'result="hit"') ))
    miss=$(( $(metric sessionstore_near_cache_gets_total "$m1" 'result="miss"') \
           - $(metric sessionstore_near_cache_gets_total "$m0" 'result="miss"') ))
    [ $((hit + miss)) -eq 0 ] || add HIT $store "$(awk -v h="$hit" -v m="$miss" 'BEGIN { printf "%.1f", 100 * h / (h + m) }')"
    errors=$(awk '/Socket errors/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i } END { print s + 0 }' <<<"$out")
    case $MODE in
      page) # an answer below 400 that is not a counted visit went to the login page: its session was not found
        lost=0
        if grep -q '^sessionstore_visits_total{' <<<"$m1"; then
          lost=$(( requests - $(non2xx "$out") - $(metric sessionstore_visits_total "$m1") \
                 + $(metric sessionstore_visits_total "$m0") ))
          if [ $lost -lt 0 ]; then lost=0; fi
        fi
        errors=$(( errors + lost + $(non2xx "$out") )) ;;
      login) errors=$(( errors + $(non2xx "$out") )) ;;
      logout) # answers other than 303, and (Redis) sessions that were not there to end
        errors=$(( errors + $(awk '/^unexpected:/ { print $2 }' <<<"$out") ))
        if [ $store = redis ]; then
          ended=$(( $(metric sessionstore_sessions_invalidated_total "$m1") \
                  - $(metric sessionstore_sessions_invalidated_total "$m0") ))
          if [ "$ended" -lt "$SESSIONS" ]; then errors=$(( errors + SESSIONS - ended )); fi
        fi ;;
    esac
    ERR[$store]=$(( ${ERR[$store]:-0} + errors ))
    unavailable=$(( $(metric sessionstore_unavailable_responses_total "$m1") \
                  - $(metric sessionstore_unavailable_responses_total "$m0") ))
    echo "bench: round $round $store $rps req/s ($requests requests, $cmds Redis commands per $UNIT, $errors errors)" \
      "$(awk '/Socket errors|Non-2xx/ { $1 = $1; print }' <<<"$out" | paste -sd ' ')" \
      "$([ "$unavailable" = 0 ] || echo "503 for Redis: $unavailable")" >&2
  done
done

# The near cache's own estimate of its heap, when the app publishes it.
m=$(scrape redis)
heap=-
if grep -q '^sessionstore_near_cache_entries{' <<<"$m" && grep -q '^sessionstore_near_cache_estimated_bytes{' <<<"$m"; then
  entries=$(metric sessionstore_near_cache_entries "$m")
  estimated=$(metric sessionstore_near_cache_estimated_bytes "$m")
  if [ "$entries" -gt 0 ]; then heap=$(( estimated / entries )); fi
fi
base_rps=$(median <<<"${RPS[container]}")

echo
case $MODE in
  page) what="Welcome page over $SESSIONS signed-in session$([ "$SESSIONS" = 1 ] || echo s)" ;;
  login) what="Login (POST /login, a new session each)" ;;
  logout) what="Logout (POST /logout) of $SESSIONS signed-in sessions per run" ;;
esac
run="wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
[ $MODE = logout ] && run="wrk -t$THREADS -c$CONNECTIONS until all are answered (at most $DURATION)"
cache="near cache $NEAR_CACHE"; [ $NEAR_CACHE = on ] && cache+=" (${CACHE_SIZE:-default 100000} entries)"
echo "$what, $run, $ROUNDS rounds alternating, medians; $cache"
printf '%-10s %8s %8s %8s %6s %9s %11s %5s %9s %10s %7s %8s %9s\n' store 'req/s' 'p50 ms' 'p99 ms' ratio \
  "RT/$UNIT" "cmds/$UNIT" 'hit%' "Redis us" "server us" errors 'B/sess' 'heap/sess'
for store in redis container; do
  med() { local -n values=$1; median <<<"${values[$store]:-}"; }
  rps=$(med RPS)
  hit=$(med HIT); [ -n "$hit" ] && hit=$(printf '%.1f' "$hit") || hit=-
  session_bytes=-; heap_bytes=-; [ $store = redis ] && session_bytes=$bytes && heap_bytes=$heap
  printf '%-10s %8.0f %8.2f %8.2f %6.2f %9s %11s %5s %9.0f %10.0f %7s %8s %9s\n' "$store" "$rps" \
    "$(awk -v u="$(med P50)" 'BEGIN { print u / 1000 }')" "$(awk -v u="$(med P99)" 'BEGIN { print u / 1000 }')" \
    "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { print a / b }')" "$(printf '%.2f' "$(med RT)")" "$(printf '%.2f' "$(med CMDS)")" "$hit" "$(med RCPU)" \
    "$(med SCPU)" "${ERR[$store]}" "$session_bytes" "$heap_bytes"
done
echo "Redis us and server us: CPU microseconds per $UNIT of Redis (INFO cpu) and of the app's JVM (/proc/<pid>/stat)."
echo "Server us per $UNIT by thread, all rounds (/proc/<pid>/task/*/stat):"
for store in redis container; do
  line=
  for group in connector netty background jit gc other; do
    line+=" $group $(awk -v t="${THREADS_CPU[$store:$group]:-0}" -v k="$TICK_US" -v n="${ALL_REQUESTS[$store]}" \
      'BEGIN { printf "%.1f", t * k / n }'),"
  done
  echo "  $store:${line%,}"
done
echo "  (connector: Tomcat's request, poller and acceptor threads; netty: Redisson's I/O threads; background: the" \
  "store's sender and expiry sweep)"
echo "Redis commands per $UNIT by name, all rounds (INFO commandstats, scripts' own commands included; 0.01 and over):"
for store in redis container; do
  line=$(for key in "${!COMMAND_CALLS[@]}"; do
    [ "${key%%:*}" = $store ] || continue
    awk -v name="${key#*:}" -v c="${COMMAND_CALLS[$key]}" -v n="${ALL_REQUESTS[$store]}" \
      'BEGIN { if (c / n >= 0.005) printf "%.2f %s\n", c / n, name }'
  done | sort -rn | awk '{ printf " %s %s,", $2, $1 }')
  echo "  $store:${line%,}"
done
echo "  (hget: a version lookup, hmget: a touch, hgetall: a load, hincrby: a visit)"
if [ "$signed_in" -ge 100 ]; then
  echo "Signed in before the rounds: $signed_in sessions per store, in ${SIGN_IN[redis]} s (redis) and" \
    "${SIGN_IN[container]} s (container); Redis memory per signed-in session, all keys (used_memory delta / sessions):" \
    "$mem_per_session bytes."
fi
