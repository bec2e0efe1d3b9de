#!/bin/bash
# Entrypoint of the local rabbitmq stand-in (see the Dockerfile beside it): writes the default
# user (and the container's memory limit) into $RABBITMQ_ADVANCED_CONFIG_FILE, then execs
# rabbitmq-server, which stays in the foreground and turns SIGTERM into a clean stop.
set -Eeuo pipefail

log() { printf 'entrypoint: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

if [[ ${1:-} != rabbitmq-server ]]; then exec "$@"; fi

[[ $(id -u) != 0 ]] || die "runs as the rabbitmq user (uid 999), not as root"
[[ -w $HOME ]] || die "HOME ($HOME) is not writable by uid $(id -u): mount the data volume there"

# An Erlang string: "\" and quotes escaped, UTF-8 kept as such.
erl_binary() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '<<"%s"/utf8>>' "$s"
}

user=${RABBITMQ_DEFAULT_USER:-}
pass=${RABBITMQ_DEFAULT_PASS:-}
if [[ -z $user || -z $pass ]]; then
  [[ -z $user && -z $pass ]] || die "set both RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS, or neither"
  log "RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS not set: a new node gets guest/guest (usable from localhost only)"
fi

# The memory alarm is relative to the memory RabbitMQ sees; without this it would be the
# host's, not the container's limit (cgroup v2, else v1).
limit=
if [[ -r /sys/fs/cgroup/memory.max ]]; then
  limit=$(</sys/fs/cgroup/memory.max)
elif [[ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]]; then
  limit=$(</sys/fs/cgroup/memory/memory.limit_in_bytes)
fi
# "max", or v1's "no limit" (a huge number), or a limit above the machine's memory: none.
host_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
if ! [[ $limit =~ ^[0-9]+$ && $host_kib =~ ^[0-9]+$ ]] || ((limit >= host_kib * 1024)); then limit=; fi

rabbit=()
[[ -n $user ]] && rabbit+=("{default_user, $(erl_binary "$user")}" "{default_pass, $(erl_binary "$pass")}")
[[ -n $limit ]] && rabbit+=("{total_memory_available_override_value, $limit}")
config=${RABBITMQ_ADVANCED_CONFIG_FILE:?}
(
  umask 077
  {
    echo '%% Written by docker-entrypoint.sh at every start (default user, memory limit).'
    printf '[{rabbit, [%s]}].\n' "$(
      IFS=,
      echo "${rabbit[*]}"
    )"
  } >"$config.tmp"
) || die "cannot write $config (is /tmp writable?)"
mv -f "$config.tmp" "$config"
[[ -n $limit ]] && log "memory limit $((limit / 1048576)) MiB (the memory alarm is relative to it)"

# Each durable queue holds files open while the node recovers it: the soft limit up to the hard one.
ulimit -S -n "$(ulimit -H -n)" 2>/dev/null || true

exec "$@"
