#!/usr/bin/env bash
# `pnpm k8s:forward`: makes the router of the local cluster reachable from the host at
# http://127.0.0.1:$FORWARD_PORT/graphql (default 14000; WebSocket subscriptions too). The
# cluster lives in its own network namespace, so two socat relays meet at a Unix socket under
# the cluster's state: one on the host's loopback, one in the namespace that connects to the
# router's Service (load-balanced over its pods by kube-proxy, as an ingress would). Idempotent;
# `pnpm k8s:down` stops both.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$HERE/lib.sh"
[[ -e /run/netns/$NETNS ]] || die "the local cluster is not up (pnpm k8s:up)"
command -v socat >/dev/null || die "socat is needed (apt-get install socat)"
PORT=${FORWARD_PORT:-14000}
SOCKET=$K8S_STATE/run/router.sock
url=http://127.0.0.1:$PORT

running() { [[ -f $K8S_STATE/run/$1.pid ]] && kill -0 "$(cat "$K8S_STATE/run/$1.pid")" 2>/dev/null; }
answers() { curl -sf -o /dev/null --max-time 5 "$url/readyz"; }
if running forward-host && running forward-cluster && answers; then
  log "the router is already forwarded: $url/graphql"
  exit 0
fi
for name in forward-host forward-cluster; do running "$name" && kill "$(cat "$K8S_STATE/run/$name.pid")"; done

ip=$(kctl -n cartograph get service router -o jsonpath='{.spec.clusterIP}' 2>/dev/null) ||
  die "no router Service in namespace cartograph (pnpm k8s:deploy)"
rm -f "$SOCKET"
setsid "${IN_NS[@]}" socat "UNIX-LISTEN:$SOCKET,fork,unlink-early,mode=600" "TCP:$ip:4000" \
  >"$K8S_STATE/logs/forward-cluster.log" 2>&1 </dev/null &
echo $! >"$K8S_STATE/run/forward-cluster.pid"
setsid socat "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$SOCKET" \
  >"$K8S_STATE/logs/forward-host.log" 2>&1 </dev/null &
echo $! >"$K8S_STATE/run/forward-host.pid"

for ((i = 0; i < 60; i++)); do
  answers && {
    log "router forwarded: $url/graphql (Sandbox: $url/graphql in a browser)"
    exit 0
  }
  sleep 1
done
die "the router does not answer on $url/readyz after 60s (logs: $K8S_STATE/logs/forward-*.log)"
