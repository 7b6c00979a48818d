#!/bin/sh
# $CATALINA_BASE/bin/setenv.sh for a session-store node. catalina.sh sources it.
# Per node: HTTP_PORT and JVM_ROUTE (defaults 8080 and node1). Settings of the app are plain environment variables.

: "${HTTP_PORT:=8080}"
# 127.0.0.1 serves this machine only: set HTTP_ADDRESS=0.0.0.0 (or the host's address) for a load balancer elsewhere.
: "${HTTP_ADDRESS:=127.0.0.1}"
: "${JVM_ROUTE:=node1}"
# The JVM's heap (-Xms and -Xmx): digits, then k, m or g.
: "${HEAP_MAX:=512m}"
case "$HEAP_MAX" in
  '' | [!0-9]* | *[!0-9kKmMgG]* | *[kKmMgG]?*)
    echo "setenv.sh: HEAP_MAX must be a JVM size such as 512m (digits, then k, m or g), not '$HEAP_MAX'" >&2; exit 1 ;;
esac
# Where catalina.sh keeps the node's pid: without it, "catalina.sh stop" stops nothing and still exits 0.
: "${CATALINA_PID:=$CATALINA_BASE/tomcat.pid}"
export CATALINA_PID
: "${REDIS_URL:=redis://127.0.0.1:6379}"
export REDIS_URL
# export REDISSON_CONFIG=/etc/session-store/redisson.yaml   # cluster, sentinel or TLS: wins over REDIS_URL
# export SESSION_TIMEOUT_SECONDS=1800 VISIT_TTL_SECONDS=30 KEY_PREFIX=sessionstore:session-store:   # the defaults

# Load balancers whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Port headers the node believes (server.xml's
# RemoteIpValve): a Java regular expression matched against the whole address of the connecting peer. By default this
# machine only; a load balancer elsewhere needs its addresses here, such as '10\.0\.1\.(10|11)'. Empty: none.
: "${TRUSTED_PROXIES=127\.\d+\.\d+\.\d+|0:0:0:0:0:0:0:1|::1}"
case "$TRUSTED_PROXIES" in
  *"'"*) echo "setenv.sh: TRUSTED_PROXIES must not contain a single quote" >&2; exit 1 ;;
esac
# Tomcat only logs a WARNING for a pattern it cannot compile, and its RemoteIpValve then trusts its own default: every
# private network. grep -P (PCRE, close to Java's syntax) exits 2 on an invalid pattern; a grep without -P (BusyBox)
# fails on the valid 'x' too, and the pattern is left to Tomcat.
if printf '' | grep -P -e x 2>/dev/null; [ $? -eq 1 ]; then
  printf '' | grep -P -e "$TRUSTED_PROXIES" 2>/dev/null
  if [ $? -eq 2 ]; then
    echo "setenv.sh: TRUSTED_PROXIES is not a valid regular expression: '$TRUSTED_PROXIES'" >&2; exit 1
  fi
fi

CATALINA_OPTS="$CATALINA_OPTS -Dhttp.port=$HTTP_PORT -Dhttp.address=$HTTP_ADDRESS -Djvm.route=$JVM_ROUTE"
# Quoted, because catalina.sh passes CATALINA_OPTS through eval.
CATALINA_OPTS="$CATALINA_OPTS '-Dtrusted.proxies=$TRUSTED_PROXIES'"
# A node that cannot bind its port (or fails to initialise otherwise) exits, rather than run without listening.
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true"
# The whole heap from the start (-Xms equal to -Xmx): never an initial heap above the maximum, a node's footprint the
# same at start as under load, and no collections spent growing the heap while it serves.
CATALINA_OPTS="$CATALINA_OPTS -Xms$HEAP_MAX -Xmx$HEAP_MAX -XX:+UseG1GC"
# Lets Tomcat's leak detection look into the JDK's thread locals.
CATALINA_OPTS="$CATALINA_OPTS --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
CATALINA_OPTS="$CATALINA_OPTS --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
CATALINA_OPTS="$CATALINA_OPTS --add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED"
export CATALINA_OPTS
