#!/usr/bin/env bash
# Writes the repo root's .env for docker-compose.yml with random passwords and a fresh RS256 key
# (gitignored; kept if it exists, so the volumes' passwords keep matching). --force replaces it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
env_file=.env
if [[ -f $env_file && ${1:-} != --force ]]; then
  echo "$env_file exists; keeping it (--force replaces it, after 'docker compose down -v')" >&2
  exit 0
fi
command -v openssl >/dev/null || { echo "openssl is needed" >&2; exit 1; }
secret() { openssl rand -hex "${1:-24}"; }
# Single quotes keep the \n escapes literal; the users service turns them back into newlines.
jwt_key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | awk '{printf "%s\\n", $0}')
umask 077
cat >"$env_file" <<ENV
ROUTER_SECRET=$(secret 32)
POSTGRES_PASSWORD=$(secret)
USERS_DB_PASSWORD=$(secret)
PRODUCTS_DB_PASSWORD=$(secret)
INVENTORY_DB_PASSWORD=$(secret)
ORDERS_DB_PASSWORD=$(secret)
PAYMENTS_DB_PASSWORD=$(secret)
NOTIFICATIONS_DB_PASSWORD=$(secret)
MONGO_ROOT_PASSWORD=$(secret)
REVIEWS_DB_PASSWORD=$(secret)
RECOMMENDATIONS_DB_PASSWORD=$(secret)
RABBITMQ_PASSWORD=$(secret)
UNSUBSCRIBE_SECRET=$(secret 32)
JWT_PRIVATE_KEY='$jwt_key'
CARTOGRAPH_ADMIN_EMAIL=${CARTOGRAPH_ADMIN_EMAIL:-admin@cartograph.dev}
CARTOGRAPH_ADMIN_PASSWORD=${CARTOGRAPH_ADMIN_PASSWORD:-$(secret 12)}
ENV
echo "wrote $env_file; the demo admin is $(grep '^CARTOGRAPH_ADMIN_EMAIL=' "$env_file" | cut -d= -f2-) / $(grep '^CARTOGRAPH_ADMIN_PASSWORD=' "$env_file" | cut -d= -f2-)"
