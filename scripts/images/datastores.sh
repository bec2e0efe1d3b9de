#!/usr/bin/env bash
# Builds the datastore images of the local single-node cluster (k8s/overlays/local) with podman.
#
# They are honest stand-ins, for that cluster only, for the official images that k8s/base names
# and no registry here can serve; the k3s overlay keeps the official images:
#   localhost/cartograph/postgres:15-debian    for postgres:15                 Debian bookworm's PostgreSQL 15
#   localhost/cartograph/rabbitmq:3.10-debian  for rabbitmq:3.13-management    Debian bookworm's RabbitMQ 3.10
#                                                                              (no management plugin)
#   localhost/cartograph/ferretdb:<v>-debian   for mongo:7                     FerretDB <v> (tools/ferretdb/go.mod's
#                                              (also :<major.minor>-debian)    version) on the PostgreSQL above
# Each honours the contract the manifests rely on (uid/gid 999, the same environment variables,
# ports and probes, a read-only root filesystem); the comment at the top of each Dockerfile in
# scripts/images/datastores/ says exactly what. What differs: RabbitMQ 3.10 lacks what 3.11-3.13
# added (the services need only AMQP 0-9-1 with durable classic queues, a topic exchange and
# dead-lettering, all in 3.10), and RABBITMQ_DEFAULT_USER/PASS are applied by the entrypoint;
# FerretDB speaks the MongoDB wire protocol but is not MongoDB (no transactions, logins but no
# per-database authorization), which is why the services use only what both support. FerretDB
# keeps its data in PostgreSQL's `ferretdb` database: mount
# k8s/overlays/local/ferretdb-postgres-init.sh into the postgres container's
# /docker-entrypoint-initdb.d as well.
#
# All build FROM debian:bookworm-slim, which base-image.sh makes (from the same debootstrap as
# the node image) when it is missing. FerretDB is compiled here with Go from the module proxy.
# Idempotent: an image is rebuilt only when its inputs changed (its Dockerfile, entrypoint, the
# base image, the FerretDB version or build tags), recorded in the image's label
# org.cartograph.inputs; then sizes and build times are printed.
#
# Usage: bash scripts/images/datastores.sh [--force] [postgres|rabbitmq|ferretdb ...]   (default: all)
#   --force   rebuild without podman's layer cache (fresh Debian packages) even when up to date
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

force=0
names=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    postgres | rabbitmq | ferretdb) names+=("$arg") ;;
    *) die "unknown argument '$arg' (usage: datastores.sh [--force] [postgres|rabbitmq|ferretdb ...])" ;;
  esac
done
((${#names[@]})) || names=(postgres rabbitmq ferretdb)

SRC_DIR=$IMAGES_DIR/datastores
WORK_DIR=$REPO_ROOT/.local/images/datastores
mkdir -p "$WORK_DIR"

# The FerretDB version tools/ferretdb pins, and the build tags scripts/services.sh uses for it.
FERRETDB_SRC=$REPO_ROOT/tools/ferretdb
FERRETDB_BUILD_TAGS=ferretdb_no_sqlite
ferretdb_version=$(awk '$1 == "github.com/FerretDB/FerretDB" { print $2; exit }
  $1 == "require" && $2 == "github.com/FerretDB/FerretDB" { print $3; exit }' "$FERRETDB_SRC/go.mod")
[[ $ferretdb_version =~ ^v1\.[0-9]+\.[0-9]+$ ]] ||
  die "cannot read a FerretDB v1 version from tools/ferretdb/go.mod (got '$ferretdb_version')"
ferretdb_minor=${ferretdb_version#v}
ferretdb_minor=${ferretdb_minor%.*}

# tags NAME: the image's tags, the first one the main one.
tags() {
  case $1 in
    postgres) echo localhost/cartograph/postgres:15-debian ;;
    rabbitmq) echo localhost/cartograph/rabbitmq:3.10-debian ;;
    ferretdb) echo "localhost/cartograph/ferretdb:${ferretdb_version#v}-debian localhost/cartograph/ferretdb:$ferretdb_minor-debian" ;;
  esac
}

# FerretDB's own command (cmd/ferretdb, which has the --setup-* and new-authentication flags that
# the embedded package tools/ferretdb uses lacks), from the module source of the pinned version.
# Its build/version/version.txt is generated upstream, not in the module: written here.
ferretdb_binary() {
  local out=$WORK_DIR/ferretdb-bin/ferretdb stamp
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
  command -v go >/dev/null || die "Go is required to build FerretDB (see tools/ferretdb/README.md)"
  stamp=$(printf '%s\n' "$ferretdb_version" "$FERRETDB_BUILD_TAGS" "$(go env GOVERSION)" | sha256sum | cut -d' ' -f1)
  if [[ -x $out && $(cat "$out.stamp" 2>/dev/null) == "$stamp" ]]; then return 0; fi

  local mod build=$WORK_DIR/ferretdb-bin log=$WORK_DIR/ferretdb-build.log
  log "building FerretDB $ferretdb_version (cmd/ferretdb, tags: $FERRETDB_BUILD_TAGS); the first build downloads modules"
  # `go mod download` first: `go list -m` names the module's directory only once it is in the module
  # cache, and on a fresh machine nothing has put it there (a fresh-clone CI run found that).
  mod=$(cd "$FERRETDB_SRC" && GOFLAGS=-mod=mod go mod download "github.com/FerretDB/FerretDB@$ferretdb_version" &&
    GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB) && [[ -d $mod ]] ||
    die "cannot find module github.com/FerretDB/FerretDB $ferretdb_version (go mod download, go list -m)"
  rm -rf "$build/src"
  mkdir -p "$build"
  cp -r "$mod" "$build/src"
  chmod -R u+w "$build/src"
  echo "$ferretdb_version" >"$build/src/build/version/version.txt"
  echo "cartograph-local" >"$build/src/build/version/package.txt"
  # nice: the machine's cores are shared. -mod=mod: go.sum may lack entries for cmd/ferretdb's imports.
  (cd "$build/src" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 \
    go build -trimpath -ldflags="-s -w" -tags "$FERRETDB_BUILD_TAGS" -o "$out.tmp" ./cmd/ferretdb) >"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; die "building FerretDB failed (log: ${log#"$REPO_ROOT"/})"; }
  [[ $("$out.tmp" --version | awk '$1 == "version:" { print $2 }') == "$ferretdb_version" ]] ||
    die "the FerretDB just built does not report version $ferretdb_version"
  mv -f "$out.tmp" "$out"
  echo "$stamp" >"$out.stamp"
  rm -rf "$build/src"
}

# context NAME: the directory podman builds from (FerretDB's gets the binary added).
context() {
  if [[ $1 != ferretdb ]]; then
    echo "$SRC_DIR/$1"
    return
  fi
  local ctx=$WORK_DIR/ferretdb-context
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -p "$SRC_DIR"/ferretdb/{Dockerfile,entrypoint.sh,ping.sh} "$WORK_DIR/ferretdb-bin/ferretdb" "$ctx/"
  echo "$ctx"
}

# inputs_hash DIR: the base image and every file of the context, with its mode.
inputs_hash() {
  {
    podman image inspect --format '{{.Id}}' "$DEBIAN_IMAGE"
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 stat -c '%a %n' && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
}

ensure_tools
podman image exists "$DEBIAN_IMAGE" || bash "$IMAGES_DIR/base-image.sh"

declare -A seconds
for name in "${names[@]}"; do
  read -ra image_tags <<<"$(tags "$name")"
  main_tag=${image_tags[0]}
  started=$SECONDS
  if [[ $name == ferretdb ]]; then ferretdb_binary; fi
  ctx=$(context "$name")
  hash=$(inputs_hash "$ctx")
  if ((!force)) && podman image exists "$main_tag" &&
    [[ $(podman image inspect --format '{{index .Labels "org.cartograph.inputs"}}' "$main_tag") == "$hash" ]]; then
    log "$main_tag is up to date"
    for tag in "${image_tags[@]:1}"; do podman tag "$main_tag" "$tag"; done
    seconds[$name]=-
    continue
  fi

  old_id=$(podman image inspect --format '{{.Id}}' "$main_tag" 2>/dev/null || true)
  log "building $main_tag"
  build_log=$REPO_ROOT/.local/images/build-datastore-$name.log
  opts=(--pull=never --network host --format docker --label "org.cartograph.inputs=$hash")
  ((force)) && opts+=(--no-cache)
  for tag in "${image_tags[@]}"; do opts+=(-t "$tag"); done
  podman build "${opts[@]}" "$ctx" >"$build_log" 2>&1 ||
    { tail -n 40 "$build_log" >&2; die "building $main_tag failed (log: ${build_log#"$REPO_ROOT"/})"; }
  seconds[$name]=$((SECONDS - started))
  # The image this one replaced, now untagged: removed (unless a container still uses it).
  if [[ -n $old_id && $old_id != "$(podman image inspect --format '{{.Id}}' "$main_tag")" ]]; then
    podman rmi "$old_id" >/dev/null 2>&1 || true
  fi
done

printf '%-46s %10s %8s\n' image size "build(s)"
for name in "${names[@]}"; do
  read -ra image_tags <<<"$(tags "$name")"
  printf '%-46s %10s %8s\n' "${image_tags[0]}" \
    "$(podman image inspect --format '{{.Size}}' "${image_tags[0]}" | numfmt --to=si --suffix=B)" "${seconds[$name]}"
done
printf '%-46s %10s\n' "(base ${DEBIAN_IMAGE#docker.io/library/})" \
  "$(podman image inspect --format '{{.Size}}' "$DEBIAN_IMAGE" | numfmt --to=si --suffix=B)"
