#!/usr/bin/env bash
# Builds cartograph/<name> for every service (the router and each subgraph with a src/bin/main.ts)
# and web app (apps/<name> with a server.ts: the storefront) from its Dockerfile with podman,
# making the base image first if it is missing, then prints each image's size.
#
# Usage: bash scripts/images/build.sh [name...]     (default: all)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_tools
podman image exists "$BASE_IMAGE" || bash "$IMAGES_DIR/base-image.sh"
pnpm exec tsx scripts/images/generate.ts --check

names=("$@")
((${#names[@]})) || mapfile -t names < <(services)

# The registry and a CA for a TLS-inspecting proxy, as this machine's npm uses them; the CA goes
# in as a build secret, so it never lands in a layer. podman passes *_PROXY on by itself.
ca_file=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
if [[ -z $ca_file || $ca_file == null || ! -r $ca_file ]]; then
  ca_file=$REPO_ROOT/.local/images/no-extra-ca.pem
  : >"$ca_file"
fi
registry=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)

run_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
declare -A seconds
for name in "${names[@]}"; do
  dir=$(service_dir "$name")
  [[ -f $dir/Dockerfile ]] || die "no Dockerfile in ${dir#"$REPO_ROOT"/}"
  log "building cartograph/$name"
  started=$SECONDS
  podman build --pull=never --network host --format docker \
    --secret "id=npm_ca,src=$ca_file" --build-arg "NPM_CONFIG_REGISTRY=$registry" \
    -f "$dir/Dockerfile" -t "cartograph/$name" . >"$REPO_ROOT/.local/images/build-$name.log" 2>&1 ||
    { tail -n 40 "$REPO_ROOT/.local/images/build-$name.log" >&2; die "building cartograph/$name failed (log: .local/images/build-$name.log)"; }
  seconds[$name]=$((SECONDS - started))
done

printf '%-28s %10s %8s\n' image size "build(s)"
for name in "${names[@]}"; do
  printf '%-28s %10s %8s\n' "cartograph/$name" "$(podman image inspect --format '{{.Size}}' "cartograph/$name" | numfmt --to=si --suffix=B)" "${seconds[$name]}"
done
printf '%-28s %10s\n' "(base ${BASE_IMAGE#docker.io/library/})" "$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | numfmt --to=si --suffix=B)"

# Layers of earlier builds that this one replaced would pile up (GBs); this run's stay as cache.
podman image prune --force --filter "until=$run_started" >/dev/null
