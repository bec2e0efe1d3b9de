#!/usr/bin/env bash
# Builds, once per machine and version, what the local cluster runs, into $K8S_CACHE:
#   bin/    kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl
#           (k8s.io/kubernetes from the Go module proxy), coredns, kube-router, pause
#   images/ pause, coredns and busybox image tarballs for `ctr images import` (no registry here)
# Each artefact is skipped when present, so a rerun only builds what is missing. Compiles run
# under `nice -n 19`: ~13 min of CPU on 2 cores with cold caches, ~3 GB of modules, ~5 GB of
# build cache. GOMODCACHE/GOCACHE are honoured if set, else kept next to the binaries.
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Go >= 1.26 (k8s.io/kubernetes v1.37.2's go.mod); an older Go >= 1.21 fetches that toolchain
# from the module proxy by itself. /usr/local/go as in scripts/services.sh.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
command -v go >/dev/null || die "Go is needed to build the cluster's binaries (https://go.dev/dl/)"
export GOMODCACHE=${GOMODCACHE:-$K8S_CACHE/gomod}
export GOCACHE=${GOCACHE:-$K8S_CACHE/gocache}
# -modcacherw: the module cache stays deletable; GOWORK=off: the module's go.work names staging/,
# which the module zip does not carry.
export GOFLAGS="-modcacherw -buildvcs=false" GOWORK=off CGO_ENABLED=0
mkdir -p "$K8S_BIN" "$K8S_IMAGES"

timed() { # label cmd...: runs cmd, logs how long it took
  local t0=$SECONDS
  log "building $1..."
  "${@:2}"
  log "built $1 in $((SECONDS - t0))s"
}

# --- Kubernetes source: the module, made buildable without staging/ ---------------------------
SRC=$K8S_CACHE/src/kubernetes
K8S_CMDS=(kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy kubectl)
need_src=
for cmd in "${K8S_CMDS[@]}" pause; do [[ -x $K8S_BIN/$cmd ]] || need_src=1; done
if [[ -n $need_src && ! -f $SRC/.prepared ]]; then
  log "downloading k8s.io/kubernetes@$K8S_VERSION from the module proxy"
  dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $dir ]] || die "go mod download gave no directory"
  rm -rf "$SRC" && mkdir -p "$(dirname "$SRC")"
  cp -r "$dir" "$SRC" && chmod -R u+w "$SRC"
  rm -f "$SRC/go.work" "$SRC/go.work.sum"
  # go.mod replaces every k8s.io/X with ./staging/src/k8s.io/X; require the published
  # k8s.io/X v0.N.P instead. The two samples are not served by the proxy and unused by the binaries.
  staging_version=v0.${K8S_VERSION#v1.}
  edits=()
  while read -r mod; do
    case $mod in
      k8s.io/sample-cli-plugin | k8s.io/sample-controller) edits+=("-dropreplace=$mod" "-droprequire=$mod") ;;
      *) edits+=("-dropreplace=$mod" "-require=$mod@$staging_version") ;;
    esac
  done < <(sed -n 's#^\s*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$SRC/go.mod")
  (cd "$SRC" && go mod edit "${edits[@]}" && GOFLAGS="$GOFLAGS -mod=mod" go mod download)
  touch "$SRC/.prepared"
fi

LDFLAGS="-s -w \
 -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
 -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
for cmd in "${K8S_CMDS[@]}"; do
  [[ -x $K8S_BIN/$cmd ]] && continue
  # Build to a temporary name: an interrupted build never leaves a binary that looks complete.
  (cd "$SRC" && timed "$cmd" nice -n 19 go build -mod=mod -trimpath -ldflags "$LDFLAGS" -o "$K8S_BIN/.$cmd.tmp" "./cmd/$cmd")
  mv "$K8S_BIN/.$cmd.tmp" "$K8S_BIN/$cmd"
done

# --- CoreDNS and kube-router (NetworkPolicy enforcement), straight from their modules ----------
go_install() { # binary module@version
  [[ -x $K8S_BIN/$1 ]] && return
  local tmp=$K8S_CACHE/.gobin
  rm -rf "$tmp"
  GOBIN=$tmp timed "$1" nice -n 19 go install -trimpath -ldflags "-s -w" "$2"
  mv "$tmp/$1" "$K8S_BIN/$1" && rm -rf "$tmp"
}
go_install coredns "github.com/coredns/coredns@$COREDNS_VERSION"
go_install kube-router "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION"

# --- pause: the sandbox process of every pod, a static C binary from the Kubernetes source ----
if [[ ! -x $K8S_BIN/pause ]]; then
  command -v gcc >/dev/null || die "gcc is needed to build pause"
  nice -n 19 gcc -Os -static -o "$K8S_BIN/.pause.tmp" "$SRC/build/pause/linux/pause.c" -DVERSION="${PAUSE_IMAGE##*:}"
  strip "$K8S_BIN/.pause.tmp" && mv "$K8S_BIN/.pause.tmp" "$K8S_BIN/pause"
fi

# --- images: one-layer tarballs made from a directory (mkimage.py) -----------------------------
image() { # name ref rootfs-setup-function [mkimage args...]
  local out=$K8S_IMAGES/$1.tar
  [[ -f $out ]] && return
  local root
  root=$(mktemp -d)
  "$3" "$root"
  python3 "$HERE/mkimage.py" "$root" "$2" "$out.tmp" "${@:4}" >/dev/null
  rm -rf "$root" && mv "$out.tmp" "$out"
  log "image $2 -> $out"
}
pause_root() { install -D -m 0755 "$K8S_BIN/pause" "$1/pause"; }
coredns_root() { install -D -m 0755 "$K8S_BIN/coredns" "$1/coredns"; }
busybox_root() { # busybox-static with its applets linked (sh, nc, nslookup, httpd...)
  install -D -m 0755 /bin/busybox "$1/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do [[ -e $1/bin/$applet ]] || ln -s busybox "$1/bin/$applet"; done
  mkdir -p "$1/tmp" "$1/etc" && chmod 1777 "$1/tmp"
}
image pause "$PAUSE_IMAGE" pause_root --entrypoint /pause --user 65535:65535
image coredns "$COREDNS_IMAGE" coredns_root --entrypoint /coredns
/bin/busybox --list >/dev/null 2>&1 || die "busybox-static is needed for the busybox image"
image busybox "$BUSYBOX_IMAGE" busybox_root --cmd sh
log "binaries in $K8S_BIN, images in $K8S_IMAGES"
