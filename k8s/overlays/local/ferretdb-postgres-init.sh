#!/bin/bash
# FerretDB's storage in the postgres stand-in (k8s/overlays/local): a `ferretdb` role (password from
# FERRETDB_DB_PASSWORD) owning a `ferretdb` database, which no one else may connect to. FerretDB keeps
# every MongoDB database there as a schema, and its own users (reviews, recommendations) in it too,
# so PostgreSQL needs no role per MongoDB user. Mount it into the postgres container's
# /docker-entrypoint-initdb.d beside postgres-init.sh (e.g. as 20-ferretdb.sh); it runs once, on an
# empty data directory, like that one.
set -euo pipefail

password="${FERRETDB_DB_PASSWORD:?FERRETDB_DB_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v name=ferretdb -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
