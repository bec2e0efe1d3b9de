#!/usr/bin/env bash
# Deploys Cartograph on Kubernetes: on k3s (README, "Deploy on k3s"), or on the local cluster of
# `pnpm k8s:up` with TARGET=local (`pnpm k8s:deploy`).
#   1. writes k8s/overlays/$TARGET/secrets/ if absent (random passwords, an RS256 key; gitignored),
#   2. gets the images to the cluster, tagged with the commit: from REGISTRY if set, else imports
#      the local cartograph/* images (podman or docker) into the cluster's containerd (local: also
#      the datastore stand-ins of `pnpm images:datastores`, and the volumes, see below),
#   3. applies the datastores, waits, runs the migration Jobs, waits, starts the services,
#   4. seeds the demo data (SEED=0 skips it) and prints the URL.
#
# Environment: TARGET (k3s or local; default k3s), REGISTRY (e.g. registry.example.com:5000;
# images pushed as $REGISTRY/cartograph/<name>:$TAG), TAG (default: the commit, with -dirty when the
# working tree has changes), SEED (default 1), KUBECTL (default kubectl; "k3s kubectl" works too),
# CARTOGRAPH_ADMIN_EMAIL / CARTOGRAPH_ADMIN_PASSWORD (the demo admin; ADMIN_EMAIL is read too;
# written on every run when given, else kept from the secrets, else generated), SMTP_URL (the
# server emails go through, e.g. smtp://user:password@smtp.example.com:587; read when the secrets
# are first written).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

NAMESPACE=cartograph
TARGET=${TARGET:-k3s}
[[ $TARGET == k3s || $TARGET == local ]] || { echo "deploy: ERROR: TARGET is k3s or local, not $TARGET" >&2; exit 1; }
OVERLAY=k8s/overlays/$TARGET
SECRETS=$OVERLAY/secrets
if [[ -z ${TAG:-} ]]; then
  TAG=$(git rev-parse --short=12 HEAD)
  [[ -z $(git status --porcelain --untracked-files=no) ]] || TAG=$TAG-dirty
fi
SEED=${SEED:-1}
if [[ $TARGET == local ]]; then
  # shellcheck source=scripts/k8s/cluster/lib.sh
  source scripts/k8s/cluster/lib.sh
  [[ -e /run/netns/$NETNS ]] && kctl get --raw /readyz >/dev/null 2>&1 || { echo "deploy: ERROR: the local cluster is not up (pnpm k8s:up)" >&2; exit 1; }
  KUBECTL=(kctl)
else
  read -r -a KUBECTL <<<"${KUBECTL:-kubectl}"
fi
kc() { "${KUBECTL[@]}" "$@"; }
log() { echo "deploy: $*" >&2; }
die() {
  echo "deploy: ERROR: $*" >&2
  exit 1
}
t0=$SECONDS

# The deployable services: every subgraph with a src/bin/main.ts, the router, and the storefront
# (apps/storefront) once it has a server.ts; the images scripts/images/build.sh builds.
services=()
for dir in subgraphs/*/; do [[ -f $dir/src/bin/main.ts ]] && services+=("$(basename "$dir")"); done
services+=(router)
[[ -f apps/storefront/server.ts ]] && services+=(storefront)
all_services=(users products inventory orders payments reviews recommendations notifications router storefront)

command -v openssl >/dev/null || die "openssl is needed"
[[ $TARGET == local ]] || kc version --client >/dev/null 2>&1 || die "${KUBECTL[*]} not found"

# --- 1. secrets --------------------------------------------------------------------------------
secret() { openssl rand -hex "${1:-24}"; }
if [[ ! -f $SECRETS/app.env || ! -f $SECRETS/datastores.env || ! -f $SECRETS/jwt-private-key.pem ]]; then
  [[ -f $SECRETS/app.env || -f $SECRETS/datastores.env ]] && die "$SECRETS is incomplete; remove it to start over (the datastores' volumes keep the old passwords)"
  log "writing new secrets to $SECRETS"
  umask 077
  mkdir -p "$SECRETS"
  declare -A pw
  for name in postgres users products inventory orders payments notifications mongo reviews recommendations rabbitmq ferretdb; do pw[$name]=$(secret); done
  admin_password=$(secret 12)
  # No SMTP server runs in the cluster: the shop's own comes from SMTP_URL. Without one, emails are
  # retried and then marked FAILED; set SMTP_URL in $SECRETS/app.env and redeploy to fix it.
  smtp_url=${SMTP_URL:-smtp://smtp.example.com:587}
  [[ -n ${SMTP_URL:-} ]] || log "SMTP_URL is not set: emails will not go out until it is (in $SECRETS/app.env)"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$SECRETS/jwt-private-key.pem" 2>/dev/null
  {
    echo "ROUTER_SECRET=$(secret 32)"
    for s in users products inventory orders payments notifications; do echo "${s^^}_DATABASE_URL=postgres://$s:${pw[$s]}@postgres:5432/$s"; done
    for s in reviews recommendations; do echo "${s^^}_MONGODB_URL=mongodb://$s:${pw[$s]}@mongodb:27017/$s"; done
    echo "RABBITMQ_URL=amqp://cartograph:${pw[rabbitmq]}@rabbitmq:5672"
    echo "CARTOGRAPH_ADMIN_EMAIL=${CARTOGRAPH_ADMIN_EMAIL:-${ADMIN_EMAIL:-admin@cartograph.dev}}"
    echo "CARTOGRAPH_ADMIN_PASSWORD=${CARTOGRAPH_ADMIN_PASSWORD:-$admin_password}"
    echo "SMTP_URL=$smtp_url"
    echo "UNSUBSCRIBE_SECRET=$(secret 32)"
  } >"$SECRETS/app.env"
  {
    echo "POSTGRES_PASSWORD=${pw[postgres]}"
    for s in users products inventory orders payments notifications reviews recommendations; do echo "${s^^}_DB_PASSWORD=${pw[$s]}"; done
    echo "MONGO_ROOT_PASSWORD=${pw[mongo]}"
    # Only the local overlay uses it (FerretDB's PostgreSQL role, in place of MongoDB).
    echo "FERRETDB_DB_PASSWORD=${pw[ferretdb]}"
    echo "RABBITMQ_DEFAULT_USER=cartograph"
    echo "RABBITMQ_DEFAULT_PASS=${pw[rabbitmq]}"
  } >"$SECRETS/datastores.env"
  umask 022
fi
# The admin given at deploy time replaces the one in the secrets.
set_secret() { # key value
  local rest
  rest=$(grep -v "^$1=" "$SECRETS/app.env")
  printf '%s\n%s=%s\n' "$rest" "$1" "$2" >"$SECRETS/app.env"
}
admin_email=${CARTOGRAPH_ADMIN_EMAIL:-${ADMIN_EMAIL:-}}
[[ -n $admin_email ]] && set_secret CARTOGRAPH_ADMIN_EMAIL "$admin_email"
[[ -n ${CARTOGRAPH_ADMIN_PASSWORD:-} ]] && set_secret CARTOGRAPH_ADMIN_PASSWORD "$CARTOGRAPH_ADMIN_PASSWORD"

# --- 2. images ---------------------------------------------------------------------------------
# In the repo (gitignored .local/): kustomize refuses absolute paths to other kustomizations.
work=.local/k8s-deploy-$TARGET
rm -rf "$work" && mkdir -p "$work"
if [[ -n ${REGISTRY:-} ]]; then
  log "using images from $REGISTRY (tag $TAG)"
  image_name() { echo "$REGISTRY/cartograph/$1"; }
else
  if [[ $TARGET == local ]]; then
    image_name() { echo "localhost/cartograph/$1"; }
    import() { "${CTR[@]}" images import - >/dev/null; }
    imported() { "${CTR[@]}" images ls -q "name==$1" | grep -q .; }
  else
    command -v k3s >/dev/null || die "k3s not found on this machine: run this on the k3s server, or push the images and set REGISTRY"
    # The name pods ask for: podman would otherwise save localhost/...
    image_name() { echo "docker.io/cartograph/$1"; }
    import() { k3s ctr images import - >/dev/null; }
    imported() { k3s ctr images ls -q "name==$1" | grep -q .; }
  fi
  if command -v podman >/dev/null && podman image exists "cartograph/router" 2>/dev/null; then engine=podman
  elif command -v docker >/dev/null && docker image inspect "cartograph/router" >/dev/null 2>&1; then engine=docker
  else die "no local cartograph/* images (pnpm images:build), or set REGISTRY"; fi
  wanted=()
  for name in "${services[@]}"; do
    ref=$(image_name "$name"):$TAG
    # Never reuse another build under the same tag: a -dirty tag is re-imported every time.
    if [[ $TAG == *-dirty ]] || ! imported "$ref"; then
      "$engine" tag "cartograph/$name" "$ref"
      wanted+=("$ref")
    fi
  done
  if [[ $TARGET == local ]]; then
    for ref in localhost/cartograph/postgres:15-debian localhost/cartograph/rabbitmq:3.10-debian localhost/cartograph/ferretdb:1.24-debian; do
      "$engine" image exists "$ref" || die "no $ref (pnpm images:datastores)"
      imported "$ref" || wanted+=("$ref")
    done
  fi
  if ((${#wanted[@]})); then
    log "importing ${#wanted[@]} image(s) into the cluster's containerd"
    # One archive for all: the layers the images share travel once.
    "$engine" save --multi-image-archive --format docker-archive "${wanted[@]}" | import
  fi
fi

# Volumes for the datastores' claims: the local cluster has no provisioner, so each claim gets a
# PersistentVolume on the node's disk, bound to it by name (kept across pod restarts; `pnpm
# k8s:down` removes them with the cluster).
if [[ $TARGET == local ]]; then
  for claim in data-postgres-0:5Gi data-rabbitmq-0:2Gi; do
    name=${claim%%:*} dir=$K8S_STATE/volumes/${claim%%:*}
    mkdir -p "$dir" && chown 999:999 "$dir" && chmod 0700 "$dir"
    kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata:
  name: cartograph-$name
  labels: { app.kubernetes.io/part-of: cartograph }
spec:
  storageClassName: cartograph-local
  capacity: { storage: ${claim#*:} }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  claimRef: { namespace: $NAMESPACE, name: $name }
  hostPath: { path: $dir, type: Directory }
YAML
  done
fi

# A throwaway kustomization over the overlay that only pins the images.
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources: [../../$OVERLAY, ../../k8s/demo]"
  echo "images:"
  for name in "${all_services[@]}"; do
    echo "  - name: cartograph/$name"
    echo "    newName: $(image_name "$name")"
    echo "    newTag: \"$TAG\""
  done
} >"$work/kustomization.yaml"
kc kustomize "$work" >"$work/rendered.yaml"

apply() { kc apply -f "$work/rendered.yaml" --selector "$1" >/dev/null; }
wait_jobs() {
  local jobs
  jobs=$(kc -n "$NAMESPACE" get jobs --selector "$1" -o name)
  [[ -z $jobs ]] && return 0
  log "waiting for $(echo "$jobs" | wc -l) job(s): $1"
  # shellcheck disable=SC2086
  kc -n "$NAMESPACE" wait --for=condition=complete --timeout=15m $jobs || {
    kc -n "$NAMESPACE" logs --selector "$1" --tail=30 --all-containers >&2 || true
    die "a job did not complete ($1)"
  }
}

# --- 3. datastores, migrations, services ------------------------------------------------------
log "applying namespace, config, secrets, network policies, ingress and datastores"
apply 'app.kubernetes.io/component notin (server,migration,seed)'
for name in postgres mongodb rabbitmq; do kc -n "$NAMESPACE" rollout status "statefulset/$name" --timeout=10m; done

# Jobs are immutable: the previous run's go first (migrations are idempotent).
kc -n "$NAMESPACE" delete jobs --selector 'app.kubernetes.io/component in (migration,seed)' --ignore-not-found >/dev/null
# Only the migrations of services that have an image here (reviews and recommendations may not yet).
deployable=$(IFS=,; echo "${services[*]}")
apply "app.kubernetes.io/component=migration,app.kubernetes.io/name in ($deployable)"
wait_jobs "app.kubernetes.io/component=migration"

log "starting the services"
apply "app.kubernetes.io/component=server,app.kubernetes.io/name in ($deployable)"
for name in "${services[@]}"; do kc -n "$NAMESPACE" rollout status "deployment/$name" --timeout=10m; done

# --- 4. demo data ------------------------------------------------------------------------------
if [[ $SEED == 1 ]]; then
  for phase in before-start after-start; do
    apply "app.kubernetes.io/component=seed,cartograph.dev/seed-phase=$phase,app.kubernetes.io/name in ($deployable)"
    wait_jobs "app.kubernetes.io/component=seed,cartograph.dev/seed-phase=$phase"
  done
fi

echo
echo "Cartograph $TAG is deployed in namespace $NAMESPACE (in $((SECONDS - t0))s)."
if [[ $TARGET == local ]]; then
  echo "  GraphQL API: pnpm k8s:forward, then http://127.0.0.1:14000/graphql"
  echo "  Shop:        the same forward, http://127.0.0.1:13000/"
else
  address=$(kc -n "$NAMESPACE" get ingress router -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}' 2>/dev/null || true)
  echo "  Shop:        http://${address:-<node address>}/"
  echo "  GraphQL API: http://${address:-<node address>}/graphql  (subscriptions over WebSocket on the same path)"
fi
echo "  Demo admin:  $(grep '^CARTOGRAPH_ADMIN_EMAIL=' "$SECRETS/app.env" | cut -d= -f2-) / $(grep '^CARTOGRAPH_ADMIN_PASSWORD=' "$SECRETS/app.env" | cut -d= -f2-)"
