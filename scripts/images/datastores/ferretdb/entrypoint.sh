#!/bin/bash
# Entrypoint of the local FerretDB stand-in for mongo:7 (see the Dockerfile beside it).
#
# FerretDB 1.24 makes users only through its --setup-* flags (one database and one user, when that
# database does not exist yet) or through createUser from a logged-in client. So, before the server
# starts, the admin user (MONGO_INITDB_ROOT_*) and each user of FERRETDB_INIT_USERS get a short-lived
# FerretDB on 127.0.0.1 that does that setup and stops; an existing database is left as it is, so
# later starts change nothing. Then the server itself is exec'd (PID 1).
set -Eeuo pipefail

log() { printf 'entrypoint: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

if [[ ${1:-} != ferretdb ]]; then exec "$@"; fi

[[ -n ${FERRETDB_POSTGRESQL_URL:-} ]] ||
  die "FERRETDB_POSTGRESQL_URL is not set (e.g. postgres://ferretdb:<password>@postgres:5432/ferretdb?pool_max_conns=20)"
# How long setup waits for PostgreSQL (it retries until then), e.g. while it starts beside us.
export FERRETDB_SETUP_TIMEOUT=${FERRETDB_SETUP_TIMEOUT:-2m}
init_addr=127.0.0.1:27018

port_open() { (: <"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# stop PID: SIGTERM, and SIGKILL if it is still there after 2 s (FerretDB waits out its setup).
stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  local _
  for _ in {1..10}; do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# setup_user DATABASE USERNAME PASSWORD: a FerretDB that sets them up, then stops. Its setup runs
# before it listens, so once the port answers it is done; if setup fails, it exits with an error.
setup_user() {
  local pid
  log "user $2 in database $1 (created unless the database exists)"
  FERRETDB_SETUP_DATABASE=$1 FERRETDB_SETUP_USERNAME=$2 FERRETDB_SETUP_PASSWORD=$3 \
    ferretdb --listen-addr="$init_addr" --debug-addr=- &
  pid=$!
  # PID 1 ignores the signals it has no handler for: on one, stop the setup server and leave.
  trap 'stop "$pid"; exit 143' TERM INT
  until port_open "$init_addr"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" || true
      die "setting up user $2 in database $1 failed (is PostgreSQL reachable as FERRETDB_POSTGRESQL_URL says?)"
    fi
    sleep 0.2
  done
  stop "$pid"
  trap - TERM INT
}

# The admin user first: FerretDB keeps every user in database admin, so any setup creates that.
if [[ -n ${MONGO_INITDB_ROOT_USERNAME:-} || -n ${MONGO_INITDB_ROOT_PASSWORD:-} ]]; then
  [[ -n ${MONGO_INITDB_ROOT_USERNAME:-} && -n ${MONGO_INITDB_ROOT_PASSWORD:-} ]] ||
    die "set both MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD, or neither"
  setup_user admin "$MONGO_INITDB_ROOT_USERNAME" "$MONGO_INITDB_ROOT_PASSWORD"
  # The server's own setup too (a no-op by then): /debug/readyz logs in with it to ping.
  export FERRETDB_SETUP_DATABASE=admin FERRETDB_SETUP_USERNAME=$MONGO_INITDB_ROOT_USERNAME \
    FERRETDB_SETUP_PASSWORD=$MONGO_INITDB_ROOT_PASSWORD
fi

for name in ${FERRETDB_INIT_USERS:-}; do
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "FERRETDB_INIT_USERS: '$name' is not a plain name"
  var=${name^^}_DB_PASSWORD
  var=${var//-/_}
  [[ -n ${!var:-} ]] || die "$var is not set (the password of user $name, from FERRETDB_INIT_USERS)"
  setup_user "$name" "$name" "${!var}"
done

exec "$@"
