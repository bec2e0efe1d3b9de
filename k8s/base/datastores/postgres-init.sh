#!/bin/bash
# One database and one login role per PostgreSQL service, each owning only its own database.
# Run once by the postgres image on an empty data directory (docker-compose.yml and k8s mount it
# into /docker-entrypoint-initdb.d); the passwords come from <SERVICE>_DB_PASSWORD.
set -euo pipefail

for service in users products inventory orders payments notifications; do
  password_var="${service^^}_DB_PASSWORD"
  password="${!password_var:?$password_var is not set}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
