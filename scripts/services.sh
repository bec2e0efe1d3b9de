#!/usr/bin/env bash
# Local datastores for Cartograph: PostgreSQL 15, RabbitMQ, and a MongoDB-compatible
# server (FerretDB on PostgreSQL, built from tools/ferretdb/). Debian 12, no systemd.
# And a mail catcher for the emails notifications sends: Mailpit (built from tools/mailpit/).
#
# Usage: bash scripts/services.sh up|down|status|observe-tools|browser
#
#   up      install what is missing (apt-get), start what is down, provision the
#           PostgreSQL roles/databases, print a summary. Idempotent: when everything is
#           already up it only runs a few checks and prints the summary.
#           Mailpit is optional: without Go (or when its build fails) `up` says so and goes on,
#           and emails wait in notifications' outbox of emails, retried, until an SMTP server answers.
#   down    stop Mailpit, FerretDB, RabbitMQ and the PostgreSQL cluster.
#   status  print the summary.
#   browser install Chromium (apt-get) for the storefront's browser tests, when missing.
#   observe-tools
#           what `pnpm start --observe` runs: installs Prometheus (apt-get) and builds Jaeger
#           (tools/jaeger) when missing or stale; starts nothing (scripts/observe.ts does).
#
# Exit codes: `up` and `status` exit 0 when every datastore is up and 1 when any is down
# (so `status` doubles as a health check; Mailpit does not count); `down` exits 0; anything
# else is an error.
#
# Everything listens on 127.0.0.1 only. Logs and state of this script live in .local/
# (gitignored): .local/log/*.log, .local/bin/cartograph-ferretdb, .local/ferretdb.pid,
# .local/bin/cartograph-jaeger, .local/bin/cartograph-mailpit, .local/mailpit.pid and
# .local/mailpit/ (its messages).
# PostgreSQL and RabbitMQ keep their data where Debian puts it (/var/lib/...);
# .local/log/rabbitmq links to RabbitMQ's own log directory.
#
# Environment (all optional):
#   CARTOGRAPH_EXTERNAL_POSTGRES=1  do not install/start/provision a local PostgreSQL
#                                   (a managed one is used; point FERRETDB_POSTGRESQL_URL at it)
#   CARTOGRAPH_PG_VERSION=15        Debian cluster version
#   CARTOGRAPH_PG_CLUSTER=main      Debian cluster name
#   FERRETDB_LISTEN_ADDR=127.0.0.1:27017
#   FERRETDB_POSTGRESQL_URL=postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb?pool_max_conns=120
#   CARTOGRAPH_MAILPIT=1            0: neither build nor start Mailpit (the default under CI=true:
#                                   no test reads it, and its build takes minutes)
#   MAILPIT_SMTP_ADDR=127.0.0.1:1025  where it accepts mail (notifications' default SMTP_URL)
#   MAILPIT_UI_ADDR=127.0.0.1:8025    its web page and API
#
# Resulting URLs (dev defaults only, never use these passwords elsewhere):
#   postgres://<svc>:<svc>@127.0.0.1:5432/<svc>   svc in users products inventory orders payments notifications
#   postgres://cartograph:cartograph@127.0.0.1:5432/postgres   (test harness, SUPERUSER)
#   amqp://guest:guest@127.0.0.1:5672
#   mongodb://127.0.0.1:27017
#   smtp://127.0.0.1:1025, http://127.0.0.1:8025 (Mailpit: the emails sent, to read)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL_DIR=$REPO_ROOT/.local
LOG_DIR=$LOCAL_DIR/log
BIN_DIR=$LOCAL_DIR/bin

PG_VERSION=${CARTOGRAPH_PG_VERSION:-15}
PG_CLUSTER=${CARTOGRAPH_PG_CLUSTER:-main}
PG_HOST=127.0.0.1
PG_PORT=5432
PG_MIN_CONNECTIONS=300 # tests open many pools
PG_SERVICE_DBS=(users products inventory orders payments notifications)
PG_EXTERNAL=${CARTOGRAPH_EXTERNAL_POSTGRES:-0}

RABBITMQ_HOST=127.0.0.1
RABBITMQ_PORT=5672
RABBITMQ_ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf

FERRETDB_LISTEN_ADDR=${FERRETDB_LISTEN_ADDR:-127.0.0.1:27017}
# FerretDB 1.24 stopped answering here once all 50 connections of its PostgreSQL pool (the
# default) were taken under parallel load; a larger pool, within max_connections (300), is the remedy.
FERRETDB_POSTGRESQL_URL=${FERRETDB_POSTGRESQL_URL:-postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb?pool_max_conns=120}
MONGO_HOST=${FERRETDB_LISTEN_ADDR%:*}
MONGO_PORT=${FERRETDB_LISTEN_ADDR##*:}
FERRETDB_SRC=$REPO_ROOT/tools/ferretdb
FERRETDB_BIN=$BIN_DIR/cartograph-ferretdb
FERRETDB_STAMP=$BIN_DIR/cartograph-ferretdb.stamp
FERRETDB_PIDFILE=$LOCAL_DIR/ferretdb.pid
FERRETDB_LOG=$LOG_DIR/ferretdb.log
# FerretDB v1.24 build tags: SQLite is compiled in unless excluded (and its pure-Go
# SQLite is the slowest part of the build); HANA is opt-in; MySQL has no tag.
FERRETDB_BUILD_TAGS=ferretdb_no_sqlite

MAILPIT_SMTP_ADDR=${MAILPIT_SMTP_ADDR:-127.0.0.1:1025}
MAILPIT_UI_ADDR=${MAILPIT_UI_ADDR:-127.0.0.1:8025}
if [[ ${CI:-} == true ]]; then MAILPIT_WANTED=${CARTOGRAPH_MAILPIT:-0}; else MAILPIT_WANTED=${CARTOGRAPH_MAILPIT:-1}; fi

# Not root (e.g. a developer laptop): use sudo for apt-get/runuser/pg_ctlcluster.
SUDO=()
if [[ $EUID -ne 0 ]]; then SUDO=(sudo -n); fi

log() { echo "services: $*" >&2; }
die() {
  echo "services: ERROR: $*" >&2
  exit 2
}
# die_with_log FILE MESSAGE: show the end of a log so CI output explains the failure.
die_with_log() {
  echo "services: ERROR: $2" >&2
  if [[ -r $1 ]]; then
    echo "---- last lines of $1 ----" >&2
    tail -n 40 "$1" >&2 || true
    echo "----" >&2
  fi
  exit 2
}

# --- probes (bash /dev/tcp: nc may not be installed) --------------------------------

# shellcheck disable=SC2016 # $0/$1 belong to the inner bash
port_open() { timeout 2 bash -c ': </dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }

# A TCP connect is not enough for "MongoDB answers": send an OP_MSG {hello: 1, $db: "admin"}
# and check that the reply header carries opCode 2013 (OP_MSG). The whole reply is read
# (dd reads exactly what it asks for) so the socket closes cleanly instead of with a
# reset, which the server would log as an error on every probe.
MONGO_HELLO='\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00'  # header: len 52, id 1, opCode 2013
MONGO_HELLO+='\x00\x00\x00\x00\x00'                                            # flagBits, section kind 0
MONGO_HELLO+='\x1f\x00\x00\x00\x10hello\x00\x01\x00\x00\x00'                   # BSON doc (31 bytes): hello: 1
# shellcheck disable=SC2016 # a literal "$db" key
MONGO_HELLO+='\x02$db\x00\x06\x00\x00\x00admin\x00\x00'                        #   $db: "admin"
# shellcheck disable=SC2016 # the inner script's $0..$2 are its own arguments
MONGO_PROBE='
  exec 3<>"/dev/tcp/$0/$1" || exit 1
  printf "$2" >&3
  h=$(dd bs=16 count=1 iflag=fullblock status=none <&3 | od -An -tx1 | tr -d " \n")
  [[ ${#h} == 32 ]] || exit 1
  n=$((16#${h:6:2}${h:4:2}${h:2:2}${h:0:2} - 16))
  ((n > 0 && n < 16777216)) && dd bs="$n" count=1 iflag=fullblock status=none <&3 >/dev/null
  exec 3>&-
  echo "$h"'
mongo_wire_answers() {
  local header
  header=$(timeout 3 bash -c "$MONGO_PROBE" "$MONGO_HOST" "$MONGO_PORT" "$MONGO_HELLO" 2>/dev/null) || return 1
  [[ ${header:24:8} == dd070000 ]]
}

# wait_for SECONDS COMMAND...: poll once a second.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# --- apt ------------------------------------------------------------------------------

apt_install() {
  local opts=(-y -q --no-install-recommends -o Dpkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local apt_log=$LOG_DIR/apt.log
  log "installing $* with apt-get (one-time, log: ${apt_log#"$REPO_ROOT"/})"
  export DEBIAN_FRONTEND=noninteractive
  # Try without `apt-get update` first (fast when lists are fresh); a fresh machine has
  # no or stale package lists, so update and retry on failure.
  if ! "${SUDO[@]}" apt-get install "${opts[@]}" "$@" >>"$apt_log" 2>&1; then
    "${SUDO[@]}" apt-get update -q -o Dpkg::Lock::Timeout=300 >>"$apt_log" 2>&1 ||
      die_with_log "$apt_log" "apt-get update failed"
    "${SUDO[@]}" apt-get install "${opts[@]}" "$@" >>"$apt_log" 2>&1 ||
      die_with_log "$apt_log" "apt-get install $* failed"
  fi
}

# --- PostgreSQL -------------------------------------------------------------------------

PG_CONF_DIR=/etc/postgresql/$PG_VERSION/$PG_CLUSTER
PG_DROPIN=$PG_CONF_DIR/conf.d/cartograph.conf
PG_SERVER_LOG=/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log

# Field N of this cluster's `pg_lsclusters` line (3 = port, 4 = status, 6 = data dir).
pg_cluster_field() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}
pg_running() { [[ $(pg_cluster_field 4) == online* ]]; }

pg_ctl() {
  local out
  if ! out=$("${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" "$1" 2>&1); then
    echo "$out" >&2
    die_with_log "$PG_SERVER_LOG" "pg_ctlcluster $PG_VERSION $PG_CLUSTER $1 failed"
  fi
}

# psql as the postgres OS user (peer auth). cd / because postgres cannot read every cwd.
pg_admin_psql() { (cd / && "${SUDO[@]}" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"); }

# Effective value of a setting: SHOW when the server runs, `postgres -C` (reads the
# config files, including conf.d/) when it is stopped - so we configure before starting.
pg_setting() {
  if pg_running; then
    pg_admin_psql -At -c "SHOW $1"
  else
    (cd / && "${SUDO[@]}" runuser -u postgres -- "/usr/lib/postgresql/$PG_VERSION/bin/postgres" \
      -D "$(pg_cluster_field 6)" -c "config_file=$PG_CONF_DIR/postgresql.conf" -C "$1")
  fi
}

loopback_only() {
  local addrs a
  IFS=',' read -ra addrs <<<"$1"
  ((${#addrs[@]})) || return 1 # '' = no TCP at all, which we need
  for a in "${addrs[@]}"; do
    a=${a//[[:space:]]/}
    case $a in localhost | 127.* | ::1) ;; *) return 1 ;; esac
  done
}

pg_ensure_installed() {
  if [[ ! -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]] || ! command -v psql >/dev/null; then
    apt_install "postgresql-$PG_VERSION" postgresql-client-common
  fi
  if [[ -z $(pg_cluster_field 1) ]]; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    "${SUDO[@]}" pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >>"$LOG_DIR/postgresql-setup.log" 2>&1 ||
      die_with_log "$LOG_DIR/postgresql-setup.log" "pg_createcluster failed"
  fi
  local port
  port=$(pg_cluster_field 3)
  [[ $port == "$PG_PORT" ]] || die "cluster $PG_VERSION/$PG_CLUSTER uses port $port, expected $PG_PORT"
}

# Writes conf.d/cartograph.conf when max_connections is too low or the server would
# listen beyond loopback. Both need a restart, so only touch it when needed.
# Sets PG_CONFIG_CHANGED=1 when the file changed.
PG_CONFIG_CHANGED=0
pg_ensure_config() {
  local maxconn listen
  maxconn=$(pg_setting max_connections)
  listen=$(pg_setting listen_addresses)
  [[ $maxconn =~ ^[0-9]+$ ]] || die "could not read max_connections of PostgreSQL $PG_VERSION/$PG_CLUSTER"
  if ((maxconn >= PG_MIN_CONNECTIONS)) && loopback_only "$listen"; then return 0; fi
  ((maxconn >= PG_MIN_CONNECTIONS)) || maxconn=$PG_MIN_CONNECTIONS
  loopback_only "$listen" || listen=127.0.0.1
  log "PostgreSQL config: max_connections=$maxconn listen_addresses='$listen' (${PG_DROPIN})"
  printf "# Managed by Cartograph scripts/services.sh (dev machine defaults).\nmax_connections = %s\nlisten_addresses = '%s'\n" \
    "$maxconn" "$listen" | "${SUDO[@]}" tee "$PG_DROPIN" >/dev/null
  "${SUDO[@]}" chown postgres:postgres "$PG_DROPIN"
  PG_CONFIG_CHANGED=1
}

pg_provision_sql() {
  # role NAME PASSWORD EXTRA_ATTRIBUTES: create if missing, then (re)assert attributes and
  # password so a half-provisioned or hand-edited role gets fixed too.
  role() {
    cat <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$1') THEN CREATE ROLE "$1"; END IF;
END \$\$;
ALTER ROLE "$1" WITH LOGIN $3 PASSWORD '$2';
SQL
  }
  # db NAME OWNER: CREATE DATABASE cannot run inside DO, hence \gexec.
  db() {
    echo "SELECT format('CREATE DATABASE %I OWNER %I', '$1', '$2') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$1')\\gexec"
    echo "ALTER DATABASE \"$1\" OWNER TO \"$2\";"
  }
  local svc
  for svc in "${PG_SERVICE_DBS[@]}"; do
    role "$svc" "$svc" ""
    db "$svc" "$svc"
  done
  # The test harness creates a throwaway database per worker (with extensions): superuser.
  role cartograph cartograph "SUPERUSER CREATEDB CREATEROLE"
  # FerretDB's backend storage.
  role ferretdb ferretdb ""
  db ferretdb ferretdb
}

pg_up() {
  [[ $PG_EXTERNAL == 1 ]] && return 0
  pg_ensure_installed
  pg_ensure_config
  if ! pg_running; then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctl start
  elif ((PG_CONFIG_CHANGED)); then
    log "restarting PostgreSQL $PG_VERSION/$PG_CLUSTER to apply config"
    pg_ctl restart
  fi
  wait_for 30 pg_isready -q -h "$PG_HOST" -p "$PG_PORT" ||
    die_with_log "$PG_SERVER_LOG" "PostgreSQL does not accept connections on $PG_HOST:$PG_PORT"
  pg_provision_sql | pg_admin_psql || die "provisioning PostgreSQL roles/databases failed"
}

pg_down() {
  [[ $PG_EXTERNAL == 1 ]] && return 0
  if pg_running; then
    log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctl stop
  fi
}

pg_is_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

# --- RabbitMQ -----------------------------------------------------------------------------

# Read by rabbitmq-server *and* rabbitmqctl/rabbitmq-diagnostics, so the CLI tools find
# the node without extra env. rabbit@localhost because Debian maps the hostname to
# 127.0.1.1, which a loopback-only epmd (127.0.0.1) would not answer.
RABBITMQ_ENV_CONTENT='# Managed by Cartograph scripts/services.sh: dev broker on loopback only.
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# Each durable queue holds files open while the node recovers it; with the default soft
# limit of 1024 (su resets it) a node holding a few thousand queues hangs at boot.
ulimit -S -n "$(ulimit -H -n)" 2>/dev/null || true'

rabbit_node_running() { pgrep -u rabbitmq -x beam.smp >/dev/null 2>&1; }
rabbit_node_stopped() { ! rabbit_node_running; }

rabbit_up() {
  port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" && return 0
  if ! command -v rabbitmq-server >/dev/null; then
    apt_install rabbitmq-server
    # Without a policy-rc.d, the postinst may have started a node through the init
    # script with package defaults (all interfaces, default node name): stop it so
    # ours starts with the loopback settings below.
    if rabbit_node_running; then
      timeout 60 "${SUDO[@]}" rabbitmqctl -q stop >/dev/null 2>&1 || true
    fi
  fi
  if [[ $(cat "$RABBITMQ_ENV_CONF" 2>/dev/null) != "$RABBITMQ_ENV_CONTENT" ]]; then
    printf '%s\n' "$RABBITMQ_ENV_CONTENT" | "${SUDO[@]}" tee "$RABBITMQ_ENV_CONF" >/dev/null
  fi
  ln -sfn /var/log/rabbitmq "$LOG_DIR/rabbitmq"

  local start_log=$LOG_DIR/rabbitmq-start.log
  if ! rabbit_node_running; then
    log "starting RabbitMQ"
    # Same settings as the env file, also as env vars (belt and braces: the server
    # wrapper keeps the environment when it switches to the rabbitmq user).
    # A hard limit the env file can raise the soft one to (root may raise its own).
    (
      ulimit -n 65536 2>/dev/null || true
      exec "${SUDO[@]}" env RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$RABBITMQ_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
        rabbitmq-server -detached
    ) >>"$start_log" 2>&1 || die_with_log "$start_log" "rabbitmq-server -detached failed"
  fi
  # await_startup needs the node to be reachable first; retry until the deadline.
  local deadline=$((SECONDS + 120))
  until timeout 90 "${SUDO[@]}" rabbitmqctl -q await_startup --timeout 60 >>"$start_log" 2>&1; do
    if ((SECONDS >= deadline)) || ! rabbit_node_running; then
      die_with_log "/var/log/rabbitmq/rabbit@localhost.log" "RabbitMQ did not start (see also $start_log)"
    fi
    sleep 2
  done
  wait_for 30 port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" ||
    die_with_log "/var/log/rabbitmq/rabbit@localhost.log" "RabbitMQ started but $RABBITMQ_HOST:$RABBITMQ_PORT does not answer"
}

rabbit_down() {
  if rabbit_node_running; then
    log "stopping RabbitMQ"
    timeout 120 "${SUDO[@]}" rabbitmqctl -q stop >/dev/null || log "rabbitmqctl stop failed"
    # `stop` returns before the VM has exited; wait so an immediate `up` starts a new node.
    wait_for 30 rabbit_node_stopped || log "RabbitMQ VM still running after 30 s"
  fi
}

rabbit_is_up() { port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; }

# --- FerretDB -----------------------------------------------------------------------------

# PID of our FerretDB if it runs (checks the command line, not just the number, so a
# stale pid file pointing at a recycled pid is ignored).
ferretdb_pid() {
  local pid
  pid=$(cat "$FERRETDB_PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) == "$FERRETDB_BIN" ]] || return 1
  echo "$pid"
}

ferretdb_version() {
  awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/FerretDB/FerretDB") { print $(i + 1); exit } }' \
    "$FERRETDB_SRC/go.mod" 2>/dev/null || true
}

# Rebuild only when tools/ferretdb sources or the tags changed since the last build.
ferretdb_src_hash() {
  { echo "$FERRETDB_BUILD_TAGS"; cat "$FERRETDB_SRC"/go.mod "$FERRETDB_SRC"/go.sum "$FERRETDB_SRC"/*.go; } |
    sha256sum | cut -d' ' -f1
}

# require_go DIR: Go on PATH (or in /usr/local/go), to build the module in tools/DIR.
require_go() {
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
  command -v go >/dev/null || die "Go is required to build tools/$1 (see tools/$1/README.md)"
}

ferretdb_build() {
  require_go ferretdb
  local build_log=$LOG_DIR/ferretdb-build.log
  log "building FerretDB $(ferretdb_version) (tags: $FERRETDB_BUILD_TAGS); the first build takes a few minutes"
  # nice: the machine's cores are shared. -mod=mod lets go fill in go.sum if needed;
  # -buildvcs=false because the module sits inside a (possibly commit-less) repo.
  if ! (cd "$FERRETDB_SRC" && GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 \
    go build -trimpath -ldflags="-s -w" -tags "$FERRETDB_BUILD_TAGS" -o "$FERRETDB_BIN.tmp" .) >"$build_log" 2>&1; then
    die_with_log "$build_log" "building tools/ferretdb failed"
  fi
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  ferretdb_src_hash >"$FERRETDB_STAMP"
}

ferretdb_start() {
  log "starting FerretDB on $FERRETDB_LISTEN_ADDR (log: ${FERRETDB_LOG#"$REPO_ROOT"/})"
  echo "==== $(date -Is) services.sh up" >>"$FERRETDB_LOG"
  # setsid: own session, so a Ctrl-C in the terminal that ran `up` does not reach it.
  FERRETDB_LISTEN_ADDR=$FERRETDB_LISTEN_ADDR FERRETDB_POSTGRESQL_URL=$FERRETDB_POSTGRESQL_URL \
    setsid nohup "$FERRETDB_BIN" >>"$FERRETDB_LOG" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$FERRETDB_PIDFILE"
  local deadline=$((SECONDS + 60))
  until mongo_wire_answers; do
    kill -0 "$pid" 2>/dev/null || die_with_log "$FERRETDB_LOG" "FerretDB exited during startup"
    ((SECONDS < deadline)) || die_with_log "$FERRETDB_LOG" "FerretDB does not answer on $FERRETDB_LISTEN_ADDR after 60 s"
    sleep 0.5
  done
}

ferretdb_stop() {
  local pid
  pid=$(ferretdb_pid) || {
    rm -f "$FERRETDB_PIDFILE"
    return 0
  }
  log "stopping FerretDB (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in {1..100}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$FERRETDB_PIDFILE"
}

mongo_up() {
  local pid=""
  pid=$(ferretdb_pid) || pid=""
  if [[ -z $pid ]]; then
    # A real mongod (or anything speaking the wire protocol) already there: use it.
    mongo_wire_answers && return 0
    port_open "$MONGO_HOST" "$MONGO_PORT" &&
      die "$FERRETDB_LISTEN_ADDR is taken by something that does not speak the MongoDB wire protocol"
  fi
  if [[ ! -x $FERRETDB_BIN || $(cat "$FERRETDB_STAMP" 2>/dev/null) != "$(ferretdb_src_hash)" ]]; then
    ferretdb_build
    if [[ -n $pid ]]; then
      ferretdb_stop # running an outdated build
      pid=""
    fi
  fi
  [[ -n $pid ]] || ferretdb_start
}

mongo_is_up() { mongo_wire_answers; }

# --- observability tools (pnpm start --observe) ------------------------------------------------

# Jaeger is built like FerretDB: a module in tools/jaeger naming it with a `tool` directive, its
# go.sum checked in, the binary cached in .local/bin and rebuilt only when go.mod or go.sum change.
JAEGER_SRC=$REPO_ROOT/tools/jaeger
JAEGER_PKG=github.com/jaegertracing/jaeger/cmd/jaeger
JAEGER_BIN=$BIN_DIR/cartograph-jaeger
JAEGER_STAMP=$BIN_DIR/cartograph-jaeger.stamp

jaeger_version() { awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit }' "$JAEGER_SRC/go.mod" 2>/dev/null || true; }
jaeger_src_hash() { cat "$JAEGER_SRC"/go.mod "$JAEGER_SRC"/go.sum | sha256sum | cut -d' ' -f1; }

jaeger_ensure_built() {
  [[ -x $JAEGER_BIN && $(cat "$JAEGER_STAMP" 2>/dev/null) == "$(jaeger_src_hash)" ]] && return 0
  require_go jaeger
  local build_log=$LOG_DIR/jaeger-build.log
  log "building Jaeger $(jaeger_version) (log: ${build_log#"$REPO_ROOT"/}); the first build takes several minutes"
  if ! (cd "$JAEGER_SRC" && GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 \
    go build -trimpath -ldflags="-s -w" -o "$JAEGER_BIN.tmp" "$JAEGER_PKG") >"$build_log" 2>&1; then
    die_with_log "$build_log" "building tools/jaeger failed"
  fi
  mv -f "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  jaeger_src_hash >"$JAEGER_STAMP"
}

prometheus_ensure_installed() {
  command -v prometheus >/dev/null && return 0
  apt_install prometheus
  # Debian's package starts a Prometheus of its own (every interface, :9090, /etc/prometheus)
  # where it can; ours is the one scripts/observe.ts runs, so that one is stopped and disabled.
  if [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || log "could not stop Debian's prometheus service"
  elif [[ -x /etc/init.d/prometheus ]]; then
    "${SUDO[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
    "${SUDO[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
}

# --- Mailpit (the mail catcher) ---------------------------------------------------------------

# Built like Jaeger: tools/mailpit names github.com/axllent/mailpit with a `tool` directive, its
# go.sum checked in, the binary cached in .local/bin and rebuilt when go.mod, go.sum or the page
# change. The module has no web UI bundle (Mailpit builds it with npm, outside Go), so the build
# puts tools/mailpit/ui/app.{js,css} where the bundle would be embedded (tools/mailpit/README.md).
MAILPIT_SRC=$REPO_ROOT/tools/mailpit
MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_BIN=$BIN_DIR/cartograph-mailpit
MAILPIT_STAMP=$BIN_DIR/cartograph-mailpit.stamp
MAILPIT_PIDFILE=$LOCAL_DIR/mailpit.pid
MAILPIT_LOG=$LOG_DIR/mailpit.log
MAILPIT_DATA=$LOCAL_DIR/mailpit
MAILPIT_SMTP_HOST=${MAILPIT_SMTP_ADDR%:*}
MAILPIT_SMTP_PORT=${MAILPIT_SMTP_ADDR##*:}

mailpit_version() { awk '$1 == "github.com/axllent/mailpit" { print $2; exit }' "$MAILPIT_SRC/go.mod" 2>/dev/null || true; }
mailpit_src_hash() { cat "$MAILPIT_SRC"/go.mod "$MAILPIT_SRC"/go.sum "$MAILPIT_SRC"/ui/* | sha256sum | cut -d' ' -f1; }

mailpit_pid() {
  local pid
  pid=$(cat "$MAILPIT_PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) == "$MAILPIT_BIN" ]] || return 1
  echo "$pid"
}

# An SMTP server greets first: "220 ..." means something that takes mail already listens.
# shellcheck disable=SC2016 # $0/$1 belong to the inner bash
SMTP_PROBE='exec 3<>"/dev/tcp/$0/$1" || exit 1; IFS= read -r -t 2 line <&3; printf "QUIT\r\n" >&3; exec 3>&-; [[ $line == 220* ]]'
smtp_answers() { timeout 4 bash -c "$SMTP_PROBE" "$MAILPIT_SMTP_HOST" "$MAILPIT_SMTP_PORT" 2>/dev/null; }

# mailpit_build: 0 when the binary is current (or built now), 1 when it cannot be (said why).
mailpit_build() {
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
  if ! command -v go >/dev/null; then
    log "WARNING: Go is not installed, so Mailpit (the mail catcher, tools/mailpit) cannot be built"
    return 1
  fi
  local build_log=$LOG_DIR/mailpit-build.log version dir
  version=$(mailpit_version)
  log "building Mailpit $version (log: ${build_log#"$REPO_ROOT"/}); the first build takes a few minutes"
  # The page goes where the module's (absent) UI bundle would be. Go neither lets an overlay replace
  # files in the module cache nor embeds files from elsewhere, so the build uses a copy of the
  # module with the page added, through a `replace` in a copy of go.mod (go.sum still checks every
  # other module). The module is downloaded first to find it.
  local copy=$BIN_DIR/mailpit-src modfile=$BIN_DIR/mailpit-build.mod
  if ! {
    dir=$(cd "$MAILPIT_SRC" && go mod download "$MAILPIT_MODULE" && go list -m -f '{{.Dir}}' "$MAILPIT_MODULE") &&
      [[ -n $dir ]] &&
      rm -rf "$copy" && cp -R "$dir" "$copy" && chmod -R u+w "$copy" &&
      mkdir -p "$copy/server/ui/dist" && cp "$MAILPIT_SRC"/ui/app.js "$MAILPIT_SRC"/ui/app.css "$copy/server/ui/dist/" &&
      cp "$MAILPIT_SRC/go.mod" "$modfile" && cp "$MAILPIT_SRC/go.sum" "${modfile%.mod}.sum" &&
      printf '\nreplace %s => %s\n' "$MAILPIT_MODULE" "$copy" >>"$modfile" &&
      (cd "$MAILPIT_SRC" && GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 \
        go build -modfile "$modfile" -trimpath -ldflags="-s -w -X $MAILPIT_MODULE/config.Version=$version" \
        -o "$MAILPIT_BIN.tmp" "$MAILPIT_MODULE")
  } >"$build_log" 2>&1; then
    log "WARNING: building tools/mailpit failed; last lines of ${build_log#"$REPO_ROOT"/}:"
    tail -n 15 "$build_log" >&2 || true
    return 1
  fi
  mv -f "$MAILPIT_BIN.tmp" "$MAILPIT_BIN"
  mailpit_src_hash >"$MAILPIT_STAMP"
}

mailpit_start() {
  mkdir -p "$MAILPIT_DATA"
  log "starting Mailpit: SMTP on $MAILPIT_SMTP_ADDR, web page on http://$MAILPIT_UI_ADDR (log: ${MAILPIT_LOG#"$REPO_ROOT"/})"
  echo "==== $(date -Is) services.sh up" >>"$MAILPIT_LOG"
  # Its messages are kept in .local/mailpit (the newest 500) across restarts. No version check:
  # it would call out to GitHub. setsid: a Ctrl-C in the terminal that ran `up` does not reach it.
  setsid nohup "$MAILPIT_BIN" --smtp "$MAILPIT_SMTP_ADDR" --listen "$MAILPIT_UI_ADDR" \
    --database "$MAILPIT_DATA/mailpit.db" --max 500 --disable-version-check \
    >>"$MAILPIT_LOG" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$MAILPIT_PIDFILE"
  local deadline=$((SECONDS + 30))
  until smtp_answers && port_open "${MAILPIT_UI_ADDR%:*}" "${MAILPIT_UI_ADDR##*:}"; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      log "WARNING: Mailpit did not start; last lines of ${MAILPIT_LOG#"$REPO_ROOT"/}:"
      tail -n 15 "$MAILPIT_LOG" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

mailpit_stop() {
  local pid
  pid=$(mailpit_pid) || {
    rm -f "$MAILPIT_PIDFILE"
    return 0
  }
  log "stopping Mailpit (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in {1..50}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$MAILPIT_PIDFILE"
}

# Never fatal: the platform runs without a mail catcher (the emails wait and are retried).
mailpit_up() {
  [[ $MAILPIT_WANTED == 1 ]] || return 0
  local pid=""
  pid=$(mailpit_pid) || pid=""
  if [[ -z $pid ]] && smtp_answers; then return 0; fi # another catcher (or a real server) is there: use it
  if [[ ! -x $MAILPIT_BIN || $(cat "$MAILPIT_STAMP" 2>/dev/null) != "$(mailpit_src_hash)" ]]; then
    if mailpit_build; then
      if [[ -n $pid ]]; then
        mailpit_stop # running an outdated build
        pid=""
      fi
    elif [[ -x $MAILPIT_BIN ]]; then
      log "using the Mailpit built before (.local/bin/cartograph-mailpit)"
    else
      log "WARNING: no mail catcher: emails stay PENDING in notifications' email_deliveries and are retried"
      log "         until an SMTP server answers on $MAILPIT_SMTP_ADDR (see tools/mailpit/README.md)"
      return 0
    fi
  fi
  [[ -n $pid ]] || mailpit_start || true
}

# --- summary -------------------------------------------------------------------------------

summary() {
  local rc=0 state
  # row NAME URL NOTE CHECK...
  row() {
    local name=$1 url=$2 note=$3
    shift 3
    if "$@"; then state=up; else
      state=DOWN
      rc=1
    fi
    printf '  %-11s %-5s %-45s %s\n' "$name" "$state" "$url" "$note"
  }
  echo "Cartograph local services:"
  if [[ $PG_EXTERNAL == 1 ]]; then
    printf '  %-11s %-5s %-45s %s\n' postgresql "-" "(external)" "CARTOGRAPH_EXTERNAL_POSTGRES=1: not managed here"
  else
    row postgresql "postgres://$PG_HOST:$PG_PORT" "dbs: ${PG_SERVICE_DBS[*]} ferretdb (user=pass=db); cartograph" pg_is_up
  fi
  row rabbitmq "amqp://guest:guest@$RABBITMQ_HOST:$RABBITMQ_PORT" "" rabbit_is_up
  local mongo_note pid
  mongo_note="FerretDB $(ferretdb_version) on PostgreSQL"
  if pid=$(ferretdb_pid); then mongo_note+=" (pid $pid)"; elif mongo_is_up; then mongo_note="existing server (not ours)"; fi
  row mongodb "mongodb://$FERRETDB_LISTEN_ADDR" "$mongo_note" mongo_is_up
  # Optional, so it never makes the exit code 1: "off" instead of DOWN.
  local mail_state=off mail_note="no mail catcher: emails are retried until one answers (tools/mailpit/README.md)"
  if pid=$(mailpit_pid); then
    mail_state=up mail_note="Mailpit $(mailpit_version) (pid $pid): read the emails on http://$MAILPIT_UI_ADDR"
  elif smtp_answers; then
    mail_state=up mail_note="existing SMTP server (not ours)"
  elif [[ $MAILPIT_WANTED != 1 ]]; then
    mail_note="not started (CARTOGRAPH_MAILPIT=0, or CI)"
  fi
  printf '  %-11s %-5s %-45s %s\n' mail "$mail_state" "smtp://$MAILPIT_SMTP_ADDR" "$mail_note"
  return $rc
}

# --- the browser the storefront's tests drive ----------------------------------------------

# Debian's Chromium, headless, driven by playwright-core given its path (no browser download
# works here). CHROMIUM_PATH, when set, names another one and nothing is installed.
browser_ensure_installed() {
  local path=${CHROMIUM_PATH:-/usr/bin/chromium}
  if [[ ! -x $path ]]; then
    [[ -n ${CHROMIUM_PATH:-} ]] && { echo "CHROMIUM_PATH=$path is not an executable" >&2; return 1; }
    echo "installing chromium (apt-get) for the storefront's browser tests"
    apt_install chromium
  fi
  echo "browser: $path ($("$path" --version 2>/dev/null || echo "version unknown"))"
}

# --- main ----------------------------------------------------------------------------------

mkdir -p "$LOG_DIR" "$BIN_DIR"

case ${1:-} in
up)
  pg_up
  rabbit_up
  mongo_up
  mailpit_up
  summary
  ;;
down)
  mailpit_stop
  ferretdb_stop
  rabbit_down
  pg_down
  summary || true
  ;;
status)
  summary
  ;;
observe-tools)
  prometheus_ensure_installed
  jaeger_ensure_built
  ;;
browser)
  browser_ensure_installed
  ;;
*)
  echo "usage: $0 up|down|status|observe-tools|browser" >&2
  exit 64
  ;;
esac
