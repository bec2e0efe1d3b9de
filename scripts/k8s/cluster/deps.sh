#!/usr/bin/env bash
# Installs the Debian packages the local cluster runs on, when missing (root, apt-get):
# containerd + runc (container runtime), containernetworking-plugins (bridge/host-local CNI),
# etcd-server (the cluster's store), conntrack/ipset/iptables (kube-proxy, kube-router),
# busybox-static (the smoke-test image), gcc (the pause binary), python3 (mkimage.py), openssl
# (the cluster's PKI), socat and curl (pnpm k8s:forward).
# No daemon of these packages is started on the host: the cluster starts its own, in its netns.
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# package:file-it-provides
wanted=(
  containerd:/usr/bin/containerd
  runc:/usr/sbin/runc
  containernetworking-plugins:/usr/lib/cni/bridge
  etcd-server:/usr/bin/etcd
  conntrack:/usr/sbin/conntrack
  ipset:/usr/sbin/ipset
  iptables:/usr/sbin/iptables
  busybox-static:/bin/busybox
  gcc:/usr/bin/gcc
  openssl:/usr/bin/openssl
  python3:/usr/bin/python3
  iproute2:/usr/sbin/ip
  util-linux:/usr/bin/nsenter
  socat:/usr/bin/socat
  curl:/usr/bin/curl
)
missing=()
for w in "${wanted[@]}"; do [[ -e ${w#*:} ]] || missing+=("${w%%:*}"); done
((${#missing[@]} == 0)) && exit 0

[[ $(id -u) == 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
log "installing ${missing[*]}"
# policy-rc.d exiting 101 keeps the packages' maintainer scripts from starting host daemons
# (etcd, containerd) where an init system would; it is removed again unless it was already there.
policy=/usr/sbin/policy-rc.d
own_policy=
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
trap '[[ -n $own_policy ]] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
  { apt-get update -qq && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
