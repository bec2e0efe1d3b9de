# Shared by the image scripts: podman set up for this machine (root, no systemd, no Docker engine).
# shellcheck shell=bash
IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$IMAGES_DIR/../.." && pwd)

# Podman settings for this machine: no systemd (cgroupfs, file events), runc (crun is not
# packaged in bookworm), and ulimits within the host's, since podman's defaults (1M open files)
# exceed what a container may be given here. Written per run: the limits are the machine's.
export CONTAINERS_CONF=$REPO_ROOT/.local/images/containers.conf
mkdir -p "$(dirname "$CONTAINERS_CONF")"
nofile=$(ulimit -Hn)
[[ $nofile == unlimited ]] && nofile=1048576
nproc=$(ulimit -Hu)
[[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
unset nofile nproc

# The base every Dockerfile names; in production it is pulled, here base-image.sh makes it.
NODE_VERSION=20.20.2
# shellcheck disable=SC2034 # read by the scripts that source this file
BASE_IMAGE=docker.io/library/node:$NODE_VERSION-bookworm-slim
# The plain Debian base (the same debootstrap, before Node): the datastore stand-ins build on it.
# shellcheck disable=SC2034 # read by the scripts that source this file
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim

log() { echo "images: $*" >&2; }
die() {
  echo "images: ERROR: $*" >&2
  exit 2
}

# Installs the Debian packages given when any of their commands is missing.
ensure_tools() {
  local missing=0 cmd
  for cmd in podman runc debootstrap; do command -v "$cmd" >/dev/null || missing=1; done
  ((missing)) || return 0
  local sudo=()
  [[ $EUID -eq 0 ]] || sudo=(sudo -n)
  log "installing podman, runc and debootstrap with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  local opts=(-y -q --no-install-recommends -o Dpkg::Lock::Timeout=300)
  "${sudo[@]}" apt-get install "${opts[@]}" podman runc debootstrap uidmap >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install "${opts[@]}" podman runc debootstrap uidmap >/dev/null; } ||
    die "apt-get install podman runc debootstrap failed"
}

# The deployable images: every subgraph with a src/bin/main.ts (others are still being written),
# the router, then every web app (apps/<name> with a server.ts: the storefront).
services() {
  local dir
  for dir in "$REPO_ROOT"/subgraphs/*/; do
    [[ -f $dir/src/bin/main.ts ]] && basename "$dir"
  done
  echo router
  for dir in "$REPO_ROOT"/apps/*/; do
    [[ -f $dir/server.ts ]] && basename "$dir"
  done
  return 0
}

service_dir() {
  if [[ $1 == router ]]; then echo "$REPO_ROOT/router"
  elif [[ -f $REPO_ROOT/apps/$1/server.ts ]]; then echo "$REPO_ROOT/apps/$1"
  else echo "$REPO_ROOT/subgraphs/$1"; fi
}
