#!/usr/bin/env bash
# `pnpm k8s:up`: a single-node Kubernetes cluster in network namespace $NETNS, for testing the
# manifests in k8s/ on a real cluster. Builds what is missing first (build.sh; cached), installs
# missing Debian packages (deps.sh), then starts containerd, etcd, the control plane, kubelet,
# kube-proxy, kube-router (NetworkPolicy) and CoreDNS, and waits until the node is Ready and DNS
# is rolled out. Idempotent: if the cluster is already up it says so and exits 0.
# Needs root (network namespaces, cgroups, mounts). `pnpm k8s:down` undoes all of it.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$HERE/lib.sh"
[[ $(id -u) == 0 ]] || die "the local cluster needs root (network namespace, cgroups, mounts)"

usage() {
  cat >&2 <<TXT
k8s: cluster up (node $NODE_NAME, Kubernetes $K8S_VERSION, network namespace $NETNS)
  kubeconfig: $KUBECONFIG_ADMIN (the API is at https://$NODE_IP:6443, inside the namespace only)
  kubectl:    pnpm k8s:kubectl get pods -A
              (or: bash scripts/k8s/cluster/kubectl.sh ..., which runs the matching kubectl
               $K8S_BIN/kubectl inside the namespace)
  images:     ${CTR[*]} images import <image.tar>
  logs:       $K8S_STATE/logs/
  down:       pnpm k8s:down
TXT
}

if [[ -e /run/netns/$NETNS ]] && kctl get --raw /readyz >/dev/null 2>&1; then
  log "already up"
  usage
  exit 0
fi
if [[ -e /run/netns/$NETNS || -d $K8S_STATE ]]; then
  # down unmounts before it deletes: never rm -rf a state directory that may hold mounts.
  log "a stale or half-started cluster is left; removing it first"
  bash "$HERE/down.sh"
fi

t0=$SECONDS
# On failure keep what was started, for its logs; down removes it.
trap 'rc=$?; ((rc == 0)) || log "up failed; logs in $K8S_STATE/logs/; pnpm k8s:down removes what was started"' EXIT
bash "$HERE/deps.sh"
bash "$HERE/build.sh"
t_built=$SECONDS

# A fresh state directory on every start (down removed the previous one): nothing of a
# previous cluster leaks into this one.
mkdir -p "$K8S_STATE/logs" "$K8S_STATE/run"
# What down must restore: whether /run/netns and /run/containerd existed, and the kernel tunables
# kubelet sets host-wide (vm.overcommit_memory, kernel.panic...; they are not per-namespace).
{
  # Host directories the runtime may create although every path we choose is under $K8S_STATE
  # (shim sockets in /run/containerd/s, libcni's cache in /var/lib/cni, kubelet's
  # /var/log/containers links...): down removes those that did not exist before.
  for d in "${HOST_DIRS[@]}"; do [[ -e $d ]] && echo "had $d"; done
  for s in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes; do
    echo "sysctl $s=$(sysctl -n "$s")"
  done
} >"$K8S_STATE/host-before"
bash "$HERE/pki.sh"

# --- network namespace: lo, and a veth end as the node's interface ----------------------------
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
ip -n "$NETNS" link add node0 type veth peer name node0p
ip -n "$NETNS" addr add "$NODE_IP/24" dev node0
ip -n "$NETNS" link set node0 up
ip -n "$NETNS" link set node0p up
# A default route, so Service IPs (no real route) leave through node0 into kube-proxy's DNAT.
ip -n "$NETNS" route add default dev node0
"${IN_NS[@]}" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 net.ipv4.conf.all.route_localnet=1

start() { # name cmd...: runs cmd inside the namespace, detached, logging to logs/name.log
  local name=$1
  shift
  setsid "${IN_NS[@]}" "$@" >"$K8S_STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$K8S_STATE/run/$name.pid"
}
wait_for() { # what seconds cmd...: polls cmd every second
  local what=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "$what not ready after ${secs}s (logs: $K8S_STATE/logs/)"
}

# --- containerd: every path under $K8S_STATE, never the host's /var/lib or /run/containerd ------
C=$K8S_STATE/containerd P=$K8S_STATE/pki
mkdir -p "$C/cni"
cat >"$C/cni/10-cartograph.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "cartograph", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$NODE_POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$C/cni-ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
cat >"$C/config.toml" <<TOML
version = 2
root = "$C/root"
state = "$C/state"
[grpc]
  address = "$C/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Pod network namespaces under the state directory rather than /run/netns.
  netns_mounts_under_state_dir = true
  # No CAP_SYS_RESOURCE here: without this runc fails with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # cgroups v1, driven by kubelet's cgroupfs driver (there is no systemd).
        SystemdCgroup = false
        Root = "$C/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$C/cni"
TOML
log "starting containerd, etcd and the control plane in network namespace $NETNS"
start containerd containerd --config "$C/config.toml"
wait_for containerd 30 "${CTR[@]}" version
for image in "$K8S_IMAGES"/*.tar; do "${CTR[@]}" images import "$image" >/dev/null; done

# --- etcd (Debian's 3.4, which apiserver 1.37 still speaks to), on loopback inside the netns ----
start etcd etcd --name "$NODE_NAME" --data-dir "$K8S_STATE/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster "$NODE_NAME=http://127.0.0.1:2380"

# --- control plane ------------------------------------------------------------------------------
# --kubelet-preferred-address-types=InternalIP: else apiserver resolves the node name through the
# host's DNS for logs/exec.
start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
  --advertise-address="$NODE_IP" --secure-port=6443 --service-cluster-ip-range="$SERVICE_CIDR" \
  --client-ca-file="$P/ca.crt" --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
  --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --kubelet-client-certificate="$P/apiserver-kubelet-client.crt" --kubelet-client-key="$P/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP
wait_for kube-apiserver 90 kctl get --raw /readyz
log "apiserver ready after $((SECONDS - t_built))s; starting the node"

k=$K8S_STATE/controller-manager.kubeconfig
start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$k" \
  --authentication-kubeconfig="$k" --authorization-kubeconfig="$k" --leader-elect=false \
  --service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" --use-service-account-credentials=true \
  --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
  --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24 --service-cluster-ip-range="$SERVICE_CIDR"
k=$K8S_STATE/scheduler.kubeconfig
start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$k" \
  --authentication-kubeconfig="$k" --authorization-kubeconfig="$k" --leader-elect=false

# --- node: kubelet, kube-proxy, then kube-router once the node exists ---------------------------
: >"$K8S_STATE/resolv.conf" # pods get cluster DNS only; nothing of the host's resolver
cat >"$K8S_STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: $P/ca.crt}}
authorization: {mode: Webhook}
# cgroups v1 and no systemd on this machine.
cgroupDriver: cgroupfs
failCgroupV1: false
containerRuntimeEndpoint: unix://$C/containerd.sock
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
failSwapOn: false
resolvConf: $K8S_STATE/resolv.conf
podLogsDir: $K8S_STATE/pod-logs
# A shared test machine: evict only when really short, and never garbage-collect the imported
# images (there is no registry to pull them back from).
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
YAML
start kubelet "$K8S_BIN/kubelet" --kubeconfig="$K8S_STATE/kubelet.kubeconfig" --config="$K8S_STATE/kubelet.yaml" \
  --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --root-dir="$K8S_STATE/kubelet"
# The conntrack settings at 0 leave the kernel's values alone (some are host-wide).
start kube-proxy "$K8S_BIN/kube-proxy" --kubeconfig="$K8S_STATE/proxy.kubeconfig" --hostname-override="$NODE_NAME" \
  --cluster-cidr="$POD_CIDR" --proxy-mode=iptables --conntrack-max-per-core=0 \
  --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0
wait_for "node registration" 90 kctl get node "$NODE_NAME"
# Policy enforcement only: routing, service proxy and CNI stay with bridge and kube-proxy.
start kube-router "$K8S_BIN/kube-router" --kubeconfig="$K8S_STATE/kube-router.kubeconfig" \
  --run-router=false --run-firewall=true --run-service-proxy=false --enable-cni=false \
  --hostname-override="$NODE_NAME" --metrics-port=0 --health-port=0

# --- cluster DNS ----------------------------------------------------------------------------
log "node registered; waiting for it to be Ready and for CoreDNS"
kctl wait --for=condition=Ready "node/$NODE_NAME" --timeout=120s >/dev/null
sed -e "s#@COREDNS_IMAGE@#$COREDNS_IMAGE#" -e "s#@DNS_IP@#$DNS_IP#" "$HERE/coredns.yaml" | kctl apply -f - >/dev/null
kctl -n kube-system rollout status deploy/coredns --timeout=120s >/dev/null
log "up in $((SECONDS - t0))s ($((SECONDS - t_built))s after the build check)"
usage
