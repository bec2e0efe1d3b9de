#!/bin/bash
# Entrypoint of the local postgres:15 stand-in (see the Dockerfile beside it): the official image's
# first-run initialisation, then `exec postgres` so the server is PID 1 and gets the stop signal.
# Runs as the postgres user (uid 999); it never switches users.
set -Eeuo pipefail

log() { printf 'entrypoint: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# Options only (`-c x=y`): they are postgres's.
if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi

# Anything else than the server (e.g. `psql ...`, `bash`): run it as is.
if [[ ${1:-} != postgres ]]; then exec "$@"; fi
for arg in "$@"; do
  case $arg in -'?' | --help | --describe-config | -V | --version) exec "$@" ;; esac
done

[[ $(id -u) != 0 ]] || die "runs as the postgres user (uid 999), not as root"
getent passwd "$(id -u)" >/dev/null || die "uid $(id -u) has no passwd entry (initdb needs one); run as 999:999"

export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
POSTGRES_INITDB_ARGS=${POSTGRES_INITDB_ARGS:-}

# PGDATA may be a subdirectory of the mounted volume (as in k8s): create it; it must be 0700.
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA" 2>/dev/null || true
mkdir -p /var/run/postgresql
chmod 3775 /var/run/postgresql 2>/dev/null || true
[[ -w /var/run/postgresql ]] ||
  die "/var/run/postgresql (the unix socket's directory) is not writable by uid $(id -u): mount an emptyDir (k8s) or a tmpfs owned by it (podman: --tmpfs /var/run/postgresql:U) there"
[[ -w $PGDATA ]] || die "PGDATA ($PGDATA) is not writable by uid $(id -u)"

# In PGDATA from initdb until the init scripts are done.
INCOMPLETE=.initialisation-incomplete

# psql against the temporary server (unix socket only, as POSTGRES_USER).
process_sql() {
  psql --username "$POSTGRES_USER" --no-password --no-psqlrc -v ON_ERROR_STOP=1 --dbname "$POSTGRES_DB" "$@"
}

init_failed() {
  pg_ctl -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  find "$PGDATA" -mindepth 1 -delete 2>/dev/null || true
  log "initialisation failed: emptied $PGDATA again, so the next start retries it"
}

init_database() {
  if [[ -z ${POSTGRES_PASSWORD:-} && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    die "PGDATA ($PGDATA) is empty and POSTGRES_PASSWORD is not set: it is the superuser's password (POSTGRES_USER=$POSTGRES_USER)"
  fi
  # A failed initialisation would leave a data directory that the next start takes for done:
  # undo it (only when it was empty before) so that a restart tries again. (Killed outright,
  # it leaves $INCOMPLETE behind, which the next start sees.)
  if [[ -z $(ls -A "$PGDATA") ]]; then trap init_failed EXIT; fi
  # This shell is PID 1 until postgres replaces it, and PID 1 ignores signals it has no handler for.
  trap 'exit 143' TERM INT
  log "initialising $PGDATA (superuser $POSTGRES_USER)"
  local pwfile
  pwfile=$(mktemp /tmp/pwfile.XXXXXX)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # Split on purpose: POSTGRES_INITDB_ARGS is a list of initdb options, as in the official image.
  local status=0
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    $POSTGRES_INITDB_ARGS >&2 || status=$?
  rm -f "$pwfile"
  ((status == 0)) || die "initdb failed"
  : >"$PGDATA/$INCOMPLETE"
  # initdb allows loopback TCP (with a password); this opens every address, as the official image does.
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  # A temporary server that only the init scripts can reach.
  export PGPASSWORD=${PGPASSWORD:-${POSTGRES_PASSWORD:-}}
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432 -c unix_socket_directories=/var/run/postgresql" \
    -w -t 60 -l /tmp/postgres-init.log start >&2 || {
    sed 's/^/temporary server: /' /tmp/postgres-init.log >&2 || true
    die "the temporary server did not start"
  }

  if [[ $POSTGRES_DB != postgres ]]; then
    psql --username "$POSTGRES_USER" --no-password --no-psqlrc -v ON_ERROR_STOP=1 --dbname postgres \
      -v db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >&2
  fi

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        if [[ -x $f ]]; then
          log "running $f"
          "$f"
        else
          log "sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql)
        log "running $f"
        process_sql -f "$f" >&2
        ;;
      *.sql.gz)
        log "running $f"
        gunzip -c "$f" | process_sql >&2
        ;;
      *) log "ignoring $f" ;;
    esac
  done

  pg_ctl -D "$PGDATA" -m fast -w stop >&2
  rm -f "$PGDATA/$INCOMPLETE"
  trap - EXIT TERM INT
  unset PGPASSWORD
  sed 's/^/temporary server: /' /tmp/postgres-init.log >&2 || true
  rm -f /tmp/postgres-init.log
  log "initialisation done"
}

# Left by an initialisation that was killed (SIGKILL, a node lost) before it finished.
if [[ -e $PGDATA/$INCOMPLETE ]]; then
  log "$PGDATA holds an initialisation that did not finish: starting it again"
  find "$PGDATA" -mindepth 1 -delete
fi

if [[ -s $PGDATA/PG_VERSION ]]; then
  log "$PGDATA holds a database (PostgreSQL $(<"$PGDATA/PG_VERSION")): skipping initialisation"
else
  init_database
fi

exec "$@"
