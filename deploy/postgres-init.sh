#!/usr/bin/env bash
# First start of the compose PostgreSQL (run by the postgres image from /docker-entrypoint-initdb.d/):
# a database for the marts beside Airflow's metadata database, owned by the warehouse role the dbt
# "postgres" target connects as. The role needs CREATEROLE: shnor.postgres creates the BI roles
# (shnor_bi_reader, shnor_municipal) and the municipal logins itself.
# The password comes only from the environment (SHNOR_PG_PASSWORD, set in .env); psql reads it with
# \getenv and quotes it as a literal (:'pw'), so no character of it can break the statement, and it
# never appears on a command line or in this file.
set -eo pipefail  # as the image's entrypoint, which sources this file if it lost its executable bit

if [ -z "${SHNOR_PG_PASSWORD:-}" ]; then
    echo "postgres-init: SHNOR_PG_PASSWORD is not set; the warehouse role shnor needs a password (see .env.example)" >&2
    exit 1
fi

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv pw SHNOR_PG_PASSWORD
create role shnor login createrole password :'pw';
\unset pw
create database shnor owner shnor;
SQL
