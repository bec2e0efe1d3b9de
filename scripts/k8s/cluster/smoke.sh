#!/usr/bin/env bash
# `pnpm k8s:smoke`: proves the local cluster does what Cartograph's manifests rely on: pods run
# under the restricted Pod Security profile, a Service name resolves through CoreDNS and routes
# through kube-proxy, and a NetworkPolicy is enforced (kube-router): the labelled client reaches
# the web pods, the other does not. Leaves nothing behind (KEEP=1 keeps the k8s-smoke namespace).
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$HERE/lib.sh"
[[ -e /run/netns/$NETNS ]] || die "the local cluster is not up (pnpm k8s:up)"
t0=$SECONDS

cleanup() { [[ -n ${KEEP:-} ]] || kctl delete namespace k8s-smoke --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT
kctl delete namespace k8s-smoke --ignore-not-found --wait=true --timeout=60s >/dev/null
# The web pods and the policy first; the clients once the web pods are ready.
apply() { sed "s#@BUSYBOX_IMAGE@#$BUSYBOX_IMAGE#" "$HERE/$1" | kctl apply -f - >/dev/null; }
apply smoke.yaml
kctl -n k8s-smoke rollout status deploy/web --timeout=120s >/dev/null
apply smoke-clients.yaml
kctl -n k8s-smoke wait --for=jsonpath='{.status.phase}'=Succeeded pod/allowed pod/denied --timeout=120s >/dev/null

failures=0
expect() { # description condition...
  if "${@:2}"; then echo "  ok   $1"; else
    echo "  FAIL $1"
    failures=$((failures + 1))
  fi
}
allowed=$(kctl -n k8s-smoke logs allowed)
denied=$(kctl -n k8s-smoke logs denied)
svc=$(kctl -n k8s-smoke get service web -o jsonpath='{.spec.clusterIP}')
echo "smoke: allowed -> ${allowed//$'\n'/; }"
echo "smoke: denied  -> ${denied//$'\n'/; }"
expect "DNS: web.k8s-smoke.svc.cluster.local resolves to the Service ($svc) from both pods" \
  test "$(printf '%s\n' "$allowed" "$denied" | grep -c "^dns: $svc\$")" = 2
expect "Service + NetworkPolicy: the labelled pod gets a page from a web pod" grep -q '^http: web-' <<<"$allowed"
expect "NetworkPolicy: the unlabelled pod gets nothing" grep -qx 'http: none' <<<"$denied"
if ((failures)); then
  die "smoke failed ($failures) after $((SECONDS - t0))s; KEEP=1 keeps namespace k8s-smoke to look at"
fi
log "smoke passed in $((SECONDS - t0))s"
