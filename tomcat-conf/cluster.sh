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
# Environment (defaults in brackets):
#   CLUSTER_DIR [target/cluster]  working folder: Tomcat, node bases, nginx config, logs, pid files
#   LB_PORT [8080]  NODE1_PORT [8081]  NODE2_PORT [8082]
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
LB_PORT=${LB_PORT:-8080}
NODE_PORTS=("${NODE1_PORT:-8081}" "${NODE2_PORT:-8082}")
REDIS_CLUSTER_PORTS=${REDIS_CLUSTER_PORTS:-"7001 7002 7003"}
TOMCAT_VERSION=${TOMCAT_VERSION:-11.0.25}
SESSION_TIMEOUT_MINUTES=${SESSION_TIMEOUT_MINUTES:-}
EXAMPLES_USER=${EXAMPLES_USER:-}
CATALINA_HOME=$CLUSTER_DIR/apache-tomcat-$TOMCAT_VERSION
WAR=$ROOT/target/session-store.war
DROP_IN=$ROOT/target/drop-in

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Polls a command until it succeeds or the deadline (seconds) passes.
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
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
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-require-full-coverage no --dir "$dir" --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    wait_for 10 redis-cli -p "$port" ping || die "redis-server on port $port did not start (see $dir/redis.log)"
    addresses+=("127.0.0.1:$port")
    printf '    - "redis://127.0.0.1:%s"\n' "$port" >> "$yaml"
  done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  local first=${addresses[0]#*:}
  wait_for 20 sh -c "redis-cli -p $first cluster info | grep -q cluster_state:ok" || die "the Redis Cluster did not form"
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
  CATALINA_HOME=$CATALINA_HOME CATALINA_BASE=$base CATALINA_PID=$base/tomcat.pid \
    HTTP_PORT=$port JVM_ROUTE=node$n "$CATALINA_HOME/bin/catalina.sh" start >/dev/null
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
    location / {
      proxy_pass http://session_store;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
}

up() {
  local redis_cluster=0 health=/health
  MODE=war
  for option in "$@"; do
    case "$option" in
      --redis-cluster) redis_cluster=1 ;;
      --drop-in) MODE=drop-in; health=/examples/ ;;
      *) die "unknown option '$option' (usage: $0 up [--redis-cluster] [--drop-in])" ;;
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
  alive "$CLUSTER_DIR/nginx/nginx.pid" && die "already up (run '$0 down' first)"
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
    wait_for 90 curl -sf "http://127.0.0.1:${NODE_PORTS[$i]}$health" \
      || die "node$((i + 1)) did not become healthy (see $CLUSTER_DIR/node$((i + 1))/logs)"
  done
  start_nginx
  wait_for 10 curl -sf "http://127.0.0.1:$LB_PORT$health" || die "nginx does not answer on port $LB_PORT"
  echo "$LB_PORT" > "$CLUSTER_DIR/lb.port"
  say "up: http://127.0.0.1:$LB_PORT${health%/health} -> node1 :${NODE_PORTS[0]}, node2 :${NODE_PORTS[1]}"
}

stop_pid() {
  local pidfile=$1 signal=${2:-TERM}
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid
  pid=$(cat "$pidfile")
  kill -"$signal" "$pid"
  wait_for 30 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

down() {
  stop_pid "$CLUSTER_DIR/nginx/nginx.pid" QUIT
  for n in 1 2; do stop_pid "$CLUSTER_DIR/node$n/tomcat.pid"; done
  for port in $REDIS_CLUSTER_PORTS; do stop_pid "$CLUSTER_DIR/redis-$port/redis.pid"; done
  say "down"
}

status() {
  local line
  for pidfile in "$CLUSTER_DIR"/nginx/nginx.pid "$CLUSTER_DIR"/node*/tomcat.pid "$CLUSTER_DIR"/redis-*/redis.pid; do
    [ -f "$pidfile" ] || continue
    line="$(basename "$(dirname "$pidfile")") pid $(cat "$pidfile")"
    if alive "$pidfile"; then say "$line running"; else say "$line stopped"; fi
  done
  if alive "$CLUSTER_DIR/nginx/nginx.pid"; then say "load balancer: http://127.0.0.1:$(cat "$CLUSTER_DIR/lb.port")/"; fi
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up [--redis-cluster] [--drop-in] | status | down" ;;
esac
