#!/bin/bash
# ferretdb-ping [HOST [PORT]]: exits 0 when FerretDB answers a MongoDB `ping` with ok: 1, which it
# only does after reaching PostgreSQL (no login needed; a readiness probe). Bash and coreutils only.
# Defaults: 127.0.0.1 and the port of FERRETDB_LISTEN_ADDR (27017).
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-${FERRETDB_LISTEN_ADDR##*:}}
port=${port:-27017}

# OP_MSG {ping: 1, $db: "admin"}: header (length 51, request 1, opCode 2013), flags, section 0, BSON.
msg='\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00'
msg+='\x00\x00\x00\x00\x00'
msg+='\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00'
# shellcheck disable=SC2016 # a literal "$db" key
msg+='\x02$db\x00\x06\x00\x00\x00admin\x00\x00'

# shellcheck disable=SC2016 # the inner script's $0..$2 are its own arguments
reply=$(timeout 5 bash -c '
  exec 3<>"/dev/tcp/$0/$1" || exit 1
  printf "$2" >&3
  h=$(dd bs=16 count=1 iflag=fullblock status=none <&3 | od -An -tx1 | tr -d " \n")
  [[ ${#h} == 32 ]] || exit 1
  n=$((16#${h:6:2}${h:4:2}${h:2:2}${h:0:2} - 16))
  ((n > 0 && n < 16777216)) || exit 1
  dd bs="$n" count=1 iflag=fullblock status=none <&3 | od -An -tx1 | tr -d " \n"
  exec 3>&-' "$host" "$port" "$msg") || {
  echo "ferretdb-ping: no MongoDB answer on $host:$port" >&2
  exit 1
}
# The reply document holds ok: 1.0 (double) when the ping succeeded, ok: 0.0 and errmsg when not.
if [[ $reply == *016f6b00000000000000f03f* ]]; then exit 0; fi
echo "ferretdb-ping: $host:$port answered, but not ok (is PostgreSQL reachable?)" >&2
exit 1
