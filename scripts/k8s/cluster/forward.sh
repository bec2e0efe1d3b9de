#!/usr/bin/env bash
# `pnpm k8s:forward`: makes the router of the local cluster reachable from the host at
# http://127.0.0.1:$FORWARD_PORT/graphql (default 14000; WebSocket subscriptions too), and the
# storefront (the shop's pages, and its own /graphql passed on to the router) at
# http://127.0.0.1:$FORWARD_STOREFRONT_PORT/ (default 13000) when it is deployed. The cluster
# lives in its own network namespace, so for each two socat relays meet at a Unix socket under
# the cluster's state: one on the host's loopback, one in the namespace that connects to the
# Service (load-balanced over its pods by kube-proxy, as an ingress would). Idempotent;
# `pnpm k8s:down` stops them all.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$HERE/lib.sh"
[[ -e /run/netns/$NETNS ]] || die "the local cluster is not up (pnpm k8s:up)"
command -v socat >/dev/null || die "socat is needed (apt-get install socat)"
ROUTER_PORT=${FORWARD_PORT:-14000}
STOREFRONT_PORT=${FORWARD_STOREFRONT_PORT:-13000}

running() { [[ -f $K8S_STATE/run/$1.pid ]] && kill -0 "$(cat "$K8S_STATE/run/$1.pid")" 2>/dev/null; }
answers() { curl -sf -o /dev/null --max-time 5 "$1"; }

# forward NAME SERVICE SERVICE_PORT HOST_PORT CHECK_PATH: relays 127.0.0.1:HOST_PORT to the
# Service, then waits until CHECK_PATH answers through it. Relays that answer already are kept.
forward() {
  local name=$1 service=$2 service_port=$3 host_port=$4 check=http://127.0.0.1:$4$5 ip i
  local host=forward-$name-host cluster=forward-$name-cluster socket=$K8S_STATE/run/$name.sock
  if running "$host" && running "$cluster" && answers "$check"; then
    log "$name already forwarded: http://127.0.0.1:$host_port"
    return 0
  fi
  for i in "$host" "$cluster"; do running "$i" && kill "$(cat "$K8S_STATE/run/$i.pid")"; done
  ip=$(kctl -n cartograph get service "$service" -o jsonpath='{.spec.clusterIP}' 2>/dev/null) ||
    die "no $service Service in namespace cartograph (pnpm k8s:deploy)"
  rm -f "$socket"
  setsid "${IN_NS[@]}" socat "UNIX-LISTEN:$socket,fork,unlink-early,mode=600" "TCP:$ip:$service_port" \
    >"$K8S_STATE/logs/$cluster.log" 2>&1 </dev/null &
  echo $! >"$K8S_STATE/run/$cluster.pid"
  setsid socat "TCP-LISTEN:$host_port,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$socket" \
    >"$K8S_STATE/logs/$host.log" 2>&1 </dev/null &
  echo $! >"$K8S_STATE/run/$host.pid"
  for ((i = 0; i < 60; i++)); do
    answers "$check" && {
      log "$name forwarded: http://127.0.0.1:$host_port"
      return 0
    }
    sleep 1
  done
  die "$name does not answer on $check after 60s (logs: $K8S_STATE/logs/$host.log, $cluster.log)"
}

forward router router 4000 "$ROUTER_PORT" /readyz
log "GraphQL API: http://127.0.0.1:$ROUTER_PORT/graphql (Sandbox: the same URL in a browser)"
if kctl -n cartograph get service storefront >/dev/null 2>&1; then
  forward storefront storefront 3000 "$STOREFRONT_PORT" /healthz
  log "shop: http://127.0.0.1:$STOREFRONT_PORT/"
fi
