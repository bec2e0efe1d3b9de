#!/usr/bin/env bash
# Makes the Dockerfiles' base images locally, since no image registry is reachable here, from one
# Debian bookworm minbase debootstrap:
#   - docker.io/library/node:20.20.2-bookworm-slim: that root filesystem with this machine's Node
#     (must be exactly v20.20.2) and npm, a `node` user (uid/gid 1000) as in the official image;
#   - docker.io/library/debian:bookworm-slim: the plain root filesystem (plus ca-certificates),
#     with the official slim image's apt/dpkg settings (no docs, man pages or locales installed,
#     no apt caches kept) and its apt sources (bookworm, bookworm-updates, bookworm-security);
#     the datastore stand-ins (datastores.sh) build on it.
# Tagged exactly as the official images so Dockerfiles build unchanged with --pull=never.
# Elsewhere the real images are pulled instead.
#
# Usage: bash scripts/images/base-image.sh [--force]
#   makes whichever of the two tags is missing (both with --force); an existing one is left as is.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $EUID -eq 0 ]] || die "run as root (debootstrap, chroot and rootful podman)"
ensure_tools
make_node=1 make_debian=1
if [[ ${1:-} != --force ]]; then
  podman image exists "$BASE_IMAGE" && make_node=0
  podman image exists "$DEBIAN_IMAGE" && make_debian=0
fi
if ((!make_node && !make_debian)); then
  log "$BASE_IMAGE and $DEBIAN_IMAGE exist"
  exit 0
fi

# The node image's ingredients, checked before the long debootstrap.
if ((make_node)); then
  node_bin=$(command -v node)
  node_bin=$(readlink -f "$node_bin")
  [[ $("$node_bin" --version) == "v$NODE_VERSION" ]] ||
    die "the base image needs Node v$NODE_VERSION but $node_bin is $("$node_bin" --version); install nodejs $NODE_VERSION"
  npm_dir=$(readlink -f "$(dirname "$node_bin")/../lib/node_modules/npm")
  [[ -f $npm_dir/bin/npm-cli.js ]] || die "npm not found beside $node_bin (looked in $npm_dir)"
  corepack_dir=$(dirname "$npm_dir")/corepack
fi

# The Debian mirrors apt already uses (deb822 or one-line sources), else the default ones.
apt_uri() {
  grep -hoE "^(URIs:|deb) +https?://[^ ]+/$1/?( |\$)" /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    awk '{print $2}' | head -n1 || true
}
mirror=$(apt_uri debian)
mirror=${mirror:-http://deb.debian.org/debian}
security_mirror=$(apt_uri debian-security)
security_mirror=${security_mirror:-http://deb.debian.org/debian-security}

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

# The debian image: a copy of the fresh root filesystem, made slim as the official one.
make_debian_image() {
  local root=$work/debian
  cp -a "$rootfs" "$root"
  rm -rf "$root"/usr/share/{doc,man,info,locale}/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* \
    "$root"/var/cache/debconf/*-old "$root"/var/log/* "$root"/tmp/*
  : >"$root/etc/resolv.conf"
  echo "cartograph-base" >"$root/etc/hostname"
  # What the official slim image sets (debuerreotype's minimizing config): later package installs
  # leave out docs, man pages and translations, and apt keeps no package caches.
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
# The "slim" variant: files unimportant in containers are not installed (copyright files are kept).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
CFG
  echo 'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  log "importing as $DEBIAN_IMAGE"
  tar --numeric-owner -C "$root" -c . | podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "local stand-in for debian:bookworm-slim" \
    - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$root"
  log "$DEBIAN_IMAGE made ($(podman image inspect --format '{{.Size}}' "$DEBIAN_IMAGE" | numfmt --to=iec))"
}
if ((make_debian)); then make_debian_image; fi
if ((!make_node)); then
  log "done in $((SECONDS - started))s"
  exit 0
fi

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
