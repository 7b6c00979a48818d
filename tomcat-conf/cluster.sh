#!/usr/bin/env bash
# Two Tomcat nodes running target/session-store.war behind an nginx round-robin load balancer, on loopback.
#
#   tomcat-conf/cluster.sh up [--redis-cluster] [--drop-in]
#                                                 start it all (optionally on a three-master Redis Cluster of its own;
#                                                 --drop-in: instead of the WAR, Tomcat's own unmodified 'examples'
#                                                 application with target/drop-in/*.jar in each node's lib/)
#   tomcat-conf/cluster.sh status                 what runs, and where
#   tomcat-conf/cluster.sh down                   stop exactly what 'up' started, by pid
#
# Every process 'up' starts is written to CLUSTER_DIR/processes (name, pid, start time) as soon as it is started.
# 'down' stops those, and only those that are still the same process, whatever the ports are set to by then; 'up'
# refuses to run while one of them is alive; an 'up' that fails stops what it had started.
#
# Environment (defaults in brackets):
#   CLUSTER_DIR [target/cluster]  working folder: Tomcat, node bases, nginx config, logs, the process record
#   LB_PORT [8080]  NODE1_PORT [8081]  NODE2_PORT [8082]
#   LB_TLS_CERT, LB_TLS_KEY [none]  PEM certificate (chain) and key: nginx also listens with TLS, on LB_TLS_PORT
#   LB_TLS_PORT [8443]              (nginx tells the nodes X-Forwarded-Proto, -For and -Port; see TRUSTED_PROXIES
#                                   in setenv.sh)
#   REDIS_URL [redis://127.0.0.1:6379]  the Redis of both nodes, unless --redis-cluster
#   REDIS_CLUSTER_PORTS ["7001 7002 7003"]  ports of the Redis Cluster started with --redis-cluster
#   TOMCAT_VERSION [11.0.25]  the org.apache.tomcat:tomcat distribution fetched through Maven (10.1.59 works too)
#   SESSION_TIMEOUT_MINUTES [the distribution's, 30]  the container's default session timeout: <session-timeout> in
#                                                 each node's conf/web.xml, for applications without their own
#                                                 (0 or less: never)
#   EXAMPLES_USER [none]  with --drop-in, 'name:password' of a user (role 'tomcat') of the examples application's
#                                                 form-login pages, jsp/security/protected/: each node's
#                                                 conf/tomcat-users.xml, read by a realm of that application's
#                                                 context (conf/Catalina/localhost/examples.xml)
#   Any setting of the app (KEY_PREFIX, VISIT_TTL_SECONDS, ...) is passed on to the nodes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-$ROOT/target/cluster}
mkdir -p "$CLUSTER_DIR"
CLUSTER_DIR=$(cd "$CLUSTER_DIR" && pwd)
RECORD=$CLUSTER_DIR/processes
LB_PORT=${LB_PORT:-8080}
LB_TLS_PORT=${LB_TLS_PORT:-8443}
LB_TLS_CERT=${LB_TLS_CERT:-}
LB_TLS_KEY=${LB_TLS_KEY:-}
NODE_PORTS=("${NODE1_PORT:-8081}" "${NODE2_PORT:-8082}")
REDIS_CLUSTER_PORTS=${REDIS_CLUSTER_PORTS:-"7001 7002 7003"}
TOMCAT_VERSION=${TOMCAT_VERSION:-11.0.25}
SESSION_TIMEOUT_MINUTES=${SESSION_TIMEOUT_MINUTES:-}
EXAMPLES_USER=${EXAMPLES_USER:-}
CATALINA_HOME=$CLUSTER_DIR/apache-tomcat-$TOMCAT_VERSION
WAR=$ROOT/target/session-store.war
DROP_IN=$ROOT/target/drop-in
USAGE="usage: $0 up [--redis-cluster] [--drop-in] | status | down"

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'cluster: %s\n%s\n' "$1" "$USAGE" >&2; exit 2; }

# When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat); fails for a process that is gone
# or a zombie. A pid that the system gave to a new process since has another start time.
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  set -- ${stat##*) }
  [ "$1" != Z ] || return 1
  echo "${20}"
}

# Whether the process recorded with this pid and start time still runs.
running() { [ "$(start_time "$1" 2>/dev/null || true)" = "$2" ]; }

# Writes a process just started (a name, the pid of a background job, its log) to the record.
record() {
  printf '%s %s %s %s\n' "$1" "$2" "$(start_time "$2" || echo gone)" "$3" >> "$RECORD"
  say "$1 started, pid $2"
}

# Fails the whole 'up' when a process it started is gone.
require_running() {
  local name pid start log
  while read -r name pid start log; do
    running "$pid" "$start" || die "$name (pid $pid) exited; see $log"
  done < "$RECORD"
}

# Polls a command until it succeeds, while everything started runs; fails when the deadline (seconds) passes.
await() {
  local deadline=$(($SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    require_running
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
  require_running
}

# Stops every recorded process that still runs, the last started first, and says what it stopped; forgets the record.
stop_recorded() {
  [ -f "$RECORD" ] || { say "nothing recorded in $CLUSTER_DIR: nothing to stop"; return 0; }
  local name pid start log signal deadline
  while read -r name pid start log; do
    if ! running "$pid" "$start"; then
      say "$name (pid $pid) had already stopped"
      continue
    fi
    signal=TERM
    [ "$name" != nginx ] || signal=QUIT
    kill -"$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while running "$pid" "$start" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if running "$pid" "$start"; then
      kill -KILL "$pid" 2>/dev/null || true
      say "killed $name (pid $pid): it did not stop within 30 s"
    else
      say "stopped $name (pid $pid)"
    fi
  done < <(tac "$RECORD")
  rm -f "$RECORD"
}

# Refuses to start over processes of an earlier 'up' that still run; forgets a record of processes all gone.
refuse_if_running() {
  [ -f "$RECORD" ] || return 0
  local name pid start log alive=()
  while read -r name pid start log; do
    if running "$pid" "$start"; then alive+=("$name (pid $pid)"); fi
  done < "$RECORD"
  [ ${#alive[@]} -eq 0 ] || die "already running: ${alive[*]}; run '$0 down' first"
  rm -f "$RECORD"
}

# On a failed 'up' (an error, a refused port, Ctrl+C): stops what it had started.
stop_after_failed_up() {
  local status=$?
  trap - EXIT INT TERM
  if [ $status -ne 0 ]; then
    say "up failed: stopping what it started"
    stop_recorded
  fi
  exit $status
}

fetch_tomcat() {
  [ -x "$CATALINA_HOME/bin/catalina.sh" ] && return
  say "fetching Tomcat $TOMCAT_VERSION through Maven"
  mvn -B -q -f "$ROOT/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz" -DoutputDirectory="$CLUSTER_DIR" \
    > "$CLUSTER_DIR/fetch.log" 2>&1 || die "could not fetch Tomcat (see $CLUSTER_DIR/fetch.log)"
  tar -xzf "$CLUSTER_DIR/tomcat-$TOMCAT_VERSION.tar.gz" -C "$CLUSTER_DIR"
}

start_redis_cluster() {
  local addresses=() yaml=$CLUSTER_DIR/redisson-cluster.yaml
  printf 'clusterServersConfig:\n  nodeAddresses:\n' > "$yaml"
  for port in $REDIS_CLUSTER_PORTS; do
    local dir=$CLUSTER_DIR/redis-$port
    rm -rf "$dir" && mkdir -p "$dir"
    setsid redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-require-full-coverage no --dir "$dir" --save '' --appendonly no --daemonize no \
      --logfile "$dir/redis.log" < /dev/null > /dev/null 2>&1 &
    record "redis-$port" $! "$dir/redis.log"
    addresses+=("127.0.0.1:$port")
    printf '    - "redis://127.0.0.1:%s"\n' "$port" >> "$yaml"
  done
  for port in $REDIS_CLUSTER_PORTS; do
    await 10 timeout 2 redis-cli -p "$port" ping \
      || die "redis-server on port $port did not start (see $CLUSTER_DIR/redis-$port/redis.log)"
  done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  local first=${addresses[0]#*:}
  await 20 sh -c "timeout 2 redis-cli -p $first cluster info | grep -q cluster_state:ok" \
    || die "the Redis Cluster did not form"
  say "Redis Cluster on ${addresses[*]}"
  export REDISSON_CONFIG=$yaml
}
write_examples_user() {
  local name=${EXAMPLES_USER%%:*} password=${EXAMPLES_USER#*:}
  case "$EXAMPLES_USER" in
    *:*) ;;
    *) die "EXAMPLES_USER must be 'name:password', not '${EXAMPLES_USER}'" ;;
  esac
  case "$EXAMPLES_USER" in
    *[\<\>\&\"\']*) die "EXAMPLES_USER: no < > & \" ' in the name or password (they are written into XML)" ;;
  esac
  [ -n "$name" ] && [ -n "$password" ] || die "EXAMPLES_USER: the name and the password must not be empty"
  mkdir -p "$1/Catalina/localhost"
  cat > "$1/Catalina/localhost/examples.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Context>
  <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="conf/tomcat-users.xml"/>
</Context>
XML
  cat > "$1/tomcat-users.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
  <role rolename="tomcat"/>
  <user username="$name" password="$password" roles="tomcat"/>
</tomcat-users>
XML
}

start_node() {
  local n=$1 port=$2 base=$CLUSTER_DIR/node$1
  rm -rf "$base"
  mkdir -p "$base"/{bin,conf,logs,temp,webapps,work}
  cp "$CATALINA_HOME"/conf/{web.xml,catalina.properties,logging.properties,tomcat-users.xml} "$base/conf/"
  if [ -n "$SESSION_TIMEOUT_MINUTES" ]; then
    sed -i "s|<session-timeout>[^<]*</session-timeout>|<session-timeout>$SESSION_TIMEOUT_MINUTES</session-timeout>|" \
      "$base/conf/web.xml"
    grep -q "<session-timeout>$SESSION_TIMEOUT_MINUTES</session-timeout>" "$base/conf/web.xml" \
      || die "no <session-timeout> to set in $base/conf/web.xml"
  fi
  cp "$ROOT"/tomcat-conf/{server.xml,context.xml} "$base/conf/"
  cp "$ROOT/tomcat-conf/setenv.sh" "$base/bin/"
  if [ "$MODE" = drop-in ]; then
    # An application that knows nothing of session-store: the jars in the node's lib/ are all it takes.
    mkdir -p "$base/lib"
    cp "$DROP_IN"/*.jar "$base/lib/"
    cp -r "$CATALINA_HOME/webapps/examples" "$base/webapps/examples"
    [ -z "$EXAMPLES_USER" ] || write_examples_user "$base/conf"
  else
    cp "$WAR" "$base/webapps/ROOT.war"
  fi
  # 'run' keeps Tomcat as the process started here, so that its pid is known at once.
  CATALINA_HOME=$CATALINA_HOME CATALINA_BASE=$base HTTP_PORT=$port JVM_ROUTE=node$n \
    setsid "$CATALINA_HOME/bin/catalina.sh" run < /dev/null > "$base/logs/catalina.out" 2>&1 &
  record "node$n" $! "$base/logs/catalina.out"
}

# nginx's TLS listener, when a certificate is given.
tls_listener() {
  [ -n "$LB_TLS_CERT" ] || return 0
  printf '    listen 127.0.0.1:%s ssl;\n    ssl_certificate %s;\n    ssl_certificate_key %s;\n' \
    "$LB_TLS_PORT" "$LB_TLS_CERT" "$LB_TLS_KEY"
}

start_nginx() {
  command -v nginx >/dev/null 2>&1 || {
    say "installing nginx-light"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  }
  local dir=$CLUSTER_DIR/nginx
  rm -rf "$dir" && mkdir -p "$dir/logs"
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream session_store {
    server 127.0.0.1:${NODE_PORTS[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${NODE_PORTS[1]} max_fails=1 fail_timeout=5s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
$(tls_listener)
    location / {
      proxy_pass http://session_store;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
CONF
  setsid nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g 'daemon off;' \
    < /dev/null > "$dir/logs/nginx.out" 2>&1 &
  record nginx $! "$dir/logs/nginx.out"
}

up() {
  local redis_cluster=0 health=/health
  MODE=war
  for option in "$@"; do
    case "$option" in
      --redis-cluster) redis_cluster=1 ;;
      --drop-in) MODE=drop-in; health=/examples/ ;;
      *) usage_error "unknown option of 'up': '$option'" ;;
    esac
  done
  if [ "$MODE" = drop-in ]; then
    ls "$DROP_IN"/session-store-library.jar >/dev/null 2>&1 \
      || die "target/drop-in/ is missing: build it with 'mvn -B -q -DskipTests package'"
  else
    [ -f "$WAR" ] || die "target/session-store.war is missing: build it with 'mvn -B -q -DskipTests package'"
  fi
  [ -z "$SESSION_TIMEOUT_MINUTES" ] || [[ $SESSION_TIMEOUT_MINUTES =~ ^-?[0-9]+$ ]] \
    || die "SESSION_TIMEOUT_MINUTES must be a whole number of minutes, not '$SESSION_TIMEOUT_MINUTES'"
  if [ -n "$LB_TLS_CERT$LB_TLS_KEY" ]; then
    [ -r "$LB_TLS_CERT" ] && [ -r "$LB_TLS_KEY" ] \
      || die "LB_TLS_CERT and LB_TLS_KEY must both name readable PEM files, not '$LB_TLS_CERT' and '$LB_TLS_KEY'"
    LB_TLS_CERT=$(realpath "$LB_TLS_CERT") LB_TLS_KEY=$(realpath "$LB_TLS_KEY")
  fi
  refuse_if_running
  trap stop_after_failed_up EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  fetch_tomcat
  if [ $redis_cluster = 1 ]; then
    start_redis_cluster
  else
    unset REDISSON_CONFIG
    export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
  fi
  for i in 0 1; do
    start_node $((i + 1)) "${NODE_PORTS[$i]}"
  done
  for i in 0 1; do
    await 90 curl -sf --max-time 2 "http://127.0.0.1:${NODE_PORTS[$i]}$health" \
      || die "node$((i + 1)) did not become healthy on port ${NODE_PORTS[$i]} (see $CLUSTER_DIR/node$((i + 1))/logs)"
  done
  start_nginx
  await 10 curl -sf --max-time 2 "http://127.0.0.1:$LB_PORT$health" \
    || die "nginx does not answer on port $LB_PORT (see $CLUSTER_DIR/nginx/logs/nginx.out)"
  if [ -n "$LB_TLS_CERT" ]; then
    await 10 curl -sfk --max-time 2 "https://127.0.0.1:$LB_TLS_PORT$health" \
      || die "nginx does not answer with TLS on port $LB_TLS_PORT (see $CLUSTER_DIR/nginx/logs/nginx.out)"
  fi
  trap - EXIT INT TERM
  local urls="http://127.0.0.1:$LB_PORT${health%/health}"
  [ -z "$LB_TLS_CERT" ] || urls="$urls and https://127.0.0.1:$LB_TLS_PORT${health%/health}"
  echo "$urls" > "$CLUSTER_DIR/lb.urls"
  say "up: $urls -> node1 :${NODE_PORTS[0]}, node2 :${NODE_PORTS[1]}"
}

down() {
  stop_recorded
  rm -f "$CLUSTER_DIR/lb.urls"
  say "down"
}

status() {
  [ -f "$RECORD" ] || { say "nothing recorded in $CLUSTER_DIR"; return 0; }
  local name pid start log
  while read -r name pid start log; do
    if running "$pid" "$start"; then say "$name pid $pid running"; else say "$name pid $pid stopped (log: $log)"; fi
  done < "$RECORD"
  [ ! -f "$CLUSTER_DIR/lb.urls" ] || say "load balancer: $(cat "$CLUSTER_DIR/lb.urls")"
}

# Commands without options.
no_options() { [ $# -le 1 ] || usage_error "'$1' takes no options, not '$2'"; }

case "${1:-}" in
  up) shift; up "$@" ;;
  down) no_options "$@"; down ;;
  status) no_options "$@"; status ;;
  -h|--help|help) echo "$USAGE" ;;
  '') usage_error "no command" ;;
  *) usage_error "unknown command '$1'" ;;
esac
