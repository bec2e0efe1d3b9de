# shellcheck shell=bash disable=SC2034
# Shared settings of the local Kubernetes cluster (sourced by the other scripts here).
# Everything the cluster needs lives under one cache directory outside the repository:
#   $K8S_CACHE/bin, images, src, gomod, gocache   built once per machine and version (kept by down)
#   $K8S_STATE                                    the running cluster: pki, etcd, containerd, logs
#                                                 (removed by down)
set -euo pipefail

K8S_VERSION=v1.37.2
COREDNS_VERSION=v1.15.0
KUBE_ROUTER_VERSION=v2.1.0
# containerd asks for this sandbox image; we build it ourselves from the Kubernetes module.
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2
COREDNS_IMAGE=cartograph.local/coredns:${COREDNS_VERSION#v}
BUSYBOX_IMAGE=cartograph.local/busybox:1

K8S_CACHE_ROOT=${CARTOGRAPH_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cartograph/k8s}
K8S_CACHE=$K8S_CACHE_ROOT/$K8S_VERSION
K8S_STATE=$K8S_CACHE_ROOT/cluster
K8S_BIN=$K8S_CACHE/bin
K8S_IMAGES=$K8S_CACHE/images
KUBECONFIG_ADMIN=$K8S_STATE/admin.kubeconfig

# The cluster lives in its own network namespace: the host's links, routes and iptables are
# never touched. The node is a veth end inside it (this kernel has no dummy device).
NETNS=cartograph-k8s
NODE_NAME=cartograph
NODE_IP=10.200.0.1
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24
DNS_IP=10.96.0.10
# nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts kubelet needs.
IN_NS=(nsenter "--net=/run/netns/$NETNS")
CTR=(ctr -a "$K8S_STATE/containerd/containerd.sock" -n k8s.io)

# Host paths a cluster may create outside $K8S_STATE (recorded by up, removed by down if new).
HOST_DIRS=(/run/netns /run/containerd /var/lib/cni /var/log/pods /var/log/containers /var/run/kubernetes)

log() { echo "k8s: $*" >&2; }
die() {
  echo "k8s: ERROR: $*" >&2
  exit 1
}
# kubectl's discovery cache goes with the cluster's state, not into ~/.kube.
kctl() { "${IN_NS[@]}" "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" --cache-dir "$K8S_STATE/kubectl-cache" "$@"; }
