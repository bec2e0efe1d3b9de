#!/usr/bin/env bash
# Makes the Dockerfiles' base image locally, since no image registry is reachable here: a Debian
# bookworm minbase root filesystem with this machine's Node (must be exactly v20.20.2) and npm,
# a `node` user (uid/gid 1000) as in the official image, tagged exactly as the official
# docker.io/library/node:20.20.2-bookworm-slim so the Dockerfiles build unchanged with
# --pull=never. Elsewhere the real image is pulled instead.
#
# Usage: bash scripts/images/base-image.sh [--force]   (skips when the tag exists, unless --force)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $EUID -eq 0 ]] || die "run as root (debootstrap, chroot and rootful podman)"
ensure_tools
if [[ ${1:-} != --force ]] && podman image exists "$BASE_IMAGE"; then
  log "$BASE_IMAGE exists"
  exit 0
fi

node_bin=$(command -v node)
node_bin=$(readlink -f "$node_bin")
[[ $("$node_bin" --version) == "v$NODE_VERSION" ]] ||
  die "the base image needs Node v$NODE_VERSION but $node_bin is $("$node_bin" --version); install nodejs $NODE_VERSION"
npm_dir=$(readlink -f "$(dirname "$node_bin")/../lib/node_modules/npm")
[[ -f $npm_dir/bin/npm-cli.js ]] || die "npm not found beside $node_bin (looked in $npm_dir)"
corepack_dir=$(dirname "$npm_dir")/corepack

# The Debian mirror apt already uses (deb822 or one-line sources), else the default one.
mirror=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
  awk '{print $2}' | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/cartograph-base.XXXXXX)
rootfs=$work/rootfs
cleanup() {
  # debootstrap may leave proc/sys mounted when it fails half-way.
  umount -l "$rootfs/proc" "$rootfs/sys" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
log "debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

log "adding node $("$node_bin" --version) and npm $("$node_bin" "$npm_dir/bin/npm-cli.js" --version 2>/dev/null)"
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
[[ -d $corepack_dir ]] && cp -a "$corepack_dir" "$rootfs/usr/local/lib/node_modules/corepack"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
[[ -d $corepack_dir ]] && ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
[[ $(chroot "$rootfs" /usr/local/bin/node --version) == "v$NODE_VERSION" ]] || die "node does not run inside the new root filesystem"

# Slim, as the official -slim images: no docs, man pages, locales, apt caches or logs.
rm -rf "$rootfs"/usr/share/{doc,man,info,locale}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
  "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/* "$rootfs"/tmp/*
: >"$rootfs/etc/resolv.conf"
echo "cartograph-base" >"$rootfs/etc/hostname"

log "importing as $BASE_IMAGE"
tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --message "local stand-in for node:$NODE_VERSION-bookworm-slim" \
  - "$BASE_IMAGE" >/dev/null
log "$BASE_IMAGE made in $((SECONDS - started))s ($(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | numfmt --to=iec) )"
