#!/usr/bin/env bash
# `pnpm k8s:kubectl <args>`: kubectl against the local cluster. Runs the kubectl built with the
# cluster (same version as the apiserver) inside its network namespace, where the API lives.
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -e /run/netns/$NETNS ]] || die "the local cluster is not up (pnpm k8s:up)"
# pnpm passes a literal "--" through when called as `pnpm k8s:kubectl -- get pods`.
[[ ${1:-} == -- ]] && shift
kctl "$@"
