#!/usr/bin/env bash
# `pnpm k8s:down`: stops the local cluster and removes everything it left on the host: its
# processes (control plane, containerd, shims, containers), mounts, the network namespace, the pod
# cgroups, the host directories it created, the kernel tunables kubelet changed, and the state
# directory. The built binaries and images stay cached in $K8S_CACHE for the next `up`.
# Safe to run when the cluster is down or half-started.
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $(id -u) == 0 ]] || die "the local cluster needs root"

if [[ ! -e /run/netns/$NETNS && ! -d $K8S_STATE ]]; then
  log "not up; nothing to do"
  exit 0
fi
t0=$SECONDS

pid_of() { [[ -f $K8S_STATE/run/$1.pid ]] && cat "$K8S_STATE/run/$1.pid"; }
alive() { kill -0 "$1" 2>/dev/null; }
stop() { # name...: SIGTERM, up to 10 s, then SIGKILL (only the pids we recorded)
  local name pid pids=() i
  for name in "$@"; do
    pid=$(pid_of "$name") && alive "$pid" && kill "$pid" && pids+=("$pid")
  done
  for ((i = 0; i < 20; i++)); do
    local left=0
    for pid in "${pids[@]}"; do alive "$pid" && left=1; done
    ((left)) || return 0
    sleep 0.5
  done
  for pid in "${pids[@]}"; do alive "$pid" && kill -9 "$pid"; done
  return 0
}

# 0. The relays of `pnpm k8s:forward` (the host one is outside the namespace).
stop forward-router-host forward-router-cluster forward-storefront-host forward-storefront-cluster
# (the names of earlier versions of forward.sh, for a cluster they started)
stop forward-host forward-cluster
# 1. The node first (kubelet would restart what we kill), then the control plane.
stop kubelet kube-router kube-proxy
stop kube-scheduler kube-controller-manager kube-apiserver etcd
# 2. The containers: kill every task through containerd, then containerd itself.
if [[ -S $K8S_STATE/containerd/containerd.sock ]]; then
  for task in $("${CTR[@]}" tasks ls -q 2>/dev/null); do "${CTR[@]}" tasks kill -s KILL "$task" >/dev/null 2>&1 || true; done
fi
stop containerd
# 3. Whatever is left of ours: processes in the cluster's network namespace (the runc shims) or in
#    the pod cgroups (containers). Nothing else on the host is in either.
ours=()
if [[ -e /run/netns/$NETNS ]]; then
  ns=$(stat -L -c %i "/run/netns/$NETNS")
  for p in /proc/[0-9]*; do
    [[ $(stat -L -c %i "$p/ns/net" 2>/dev/null) == "$ns" ]] && ours+=("${p#/proc/}")
  done
fi
for procs in /sys/fs/cgroup/*/kubepods/cgroup.procs; do
  [[ -f $procs ]] || continue
  while read -r pid; do ours+=("$pid"); done < <(find "${procs%/cgroup.procs}" -name cgroup.procs -exec cat {} + 2>/dev/null)
done
((${#ours[@]})) && { kill -9 "${ours[@]}" 2>/dev/null || true; }
sleep 1

# 4. Mounts under the state directory (container rootfs overlays, pod volumes, pod netns),
#    deepest first.
if [[ -d $K8S_STATE ]]; then
  state=$(realpath "$K8S_STATE")
  awk -v s="$state/" 'index($2, s) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
fi
# 5. The network namespace (its links, routes and iptables rules go with it).
[[ -e /run/netns/$NETNS ]] && ip netns del "$NETNS"
# 6. The pod cgroups kubelet made (cgroupfs driver, one tree per v1 controller).
for tree in /sys/fs/cgroup/*/kubepods; do
  [[ -d $tree ]] && { find "$tree" -depth -type d -exec rmdir {} + 2>/dev/null || true; }
done
# 7. What up recorded of the host: kernel tunables back, new host directories removed.
before=$K8S_STATE/host-before
if [[ -f $before ]]; then
  while read -r kind value; do
    [[ $kind == sysctl ]] && sysctl -qw "$value"
  done <"$before"
  for d in "${HOST_DIRS[@]}"; do
    grep -qxF "had $d" "$before" && continue
    [[ -e $d ]] || continue
    # `ip netns add` bind-mounts /run/netns on itself; only remove it when nothing else is in it.
    if [[ $d == /run/netns ]]; then
      [[ -z $(ls -A /run/netns) ]] && { umount /run/netns 2>/dev/null || true; } && rmdir /run/netns
    else
      rm -rf "$d"
    fi
  done
fi
# 8. The state itself.
rm -rf --one-file-system "$K8S_STATE"

# Check, and say what is left if anything.
left=()
[[ -e /run/netns/$NETNS ]] && left+=("netns $NETNS")
grep -q " $(realpath -m "$K8S_CACHE_ROOT")/" /proc/self/mounts && left+=("mounts under $K8S_CACHE_ROOT")
compgen -G "/sys/fs/cgroup/*/kubepods" >/dev/null && left+=("cgroups kubepods")
((${#left[@]})) && die "left behind: ${left[*]}"
log "down in $((SECONDS - t0))s; nothing left (binaries and images stay in $K8S_CACHE)"
