#!/usr/bin/env bash
# `pnpm test:cluster`: Cartograph on the local Kubernetes cluster, tested there. Brings the cluster
# up (building it once per machine), deploys the repository's manifests with this commit's images
# (`pnpm images:build` and `pnpm images:datastores` first, or IMAGES=1 to build them here), forwards
# the router, then runs the jest project `cluster` (e2e/cluster/ and e2e/smoke.e2e.test.ts): the smoke suite through the cluster's router,
# the NetworkPolicy and Pod Security probes, and the rollout and restart tests. The cluster stays
# up afterwards (`pnpm k8s:down` removes it). Each stage's time is logged.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
stage() { # label cmd...
  local t=$SECONDS
  echo "test:cluster: $1..." >&2
  "${@:2}"
  echo "test:cluster: $1 took $((SECONDS - t))s" >&2
}
if [[ ${IMAGES:-} == 1 ]]; then
  stage "building the service images" pnpm images:build
  stage "building the datastore images" pnpm images:datastores
fi
stage "cluster up" bash scripts/k8s/cluster/up.sh
stage "deploy" env TARGET=local bash scripts/k8s/deploy.sh
stage "forward" bash scripts/k8s/cluster/forward.sh
stage "tests on the cluster" env CARTOGRAPH_ROUTER_URL="http://127.0.0.1:${FORWARD_PORT:-14000}/graphql" \
  pnpm exec jest --selectProjects cluster --runInBand
