# Sourced by .ci/run: installs PostgreSQL when missing, starts a cluster, creates the test database
# and owner role, exports SHNOR_PG_* for the tests, and stops on exit what it started.
pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }
if [ -z "$(pg_version)" ] || ! command -v pg_ctlcluster >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_VERSION=$(pg_version)
pg_lsclusters -h | grep -q "^$PG_VERSION main" || pg_createcluster "$PG_VERSION" main >/dev/null
PG_STARTED_HERE=0
if pg_lsclusters -h | grep "^$PG_VERSION main" | grep -q down; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
    PG_STARTED_HERE=1
fi
stop_postgres() {
    if [ "$PG_STARTED_HERE" = 1 ]; then pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop || true; fi
}
trap stop_postgres EXIT

export SHNOR_PG_HOST=127.0.0.1 SHNOR_PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $3}')
export SHNOR_PG_USER=shnor_ci SHNOR_PG_PASSWORD=shnor_ci_password SHNOR_PG_DATABASE=shnor_ci
su postgres -c "psql -q -p $SHNOR_PG_PORT -v ON_ERROR_STOP=1" <<SQL
drop database if exists $SHNOR_PG_DATABASE;
drop role if exists $SHNOR_PG_USER;
create role $SHNOR_PG_USER login createrole password '$SHNOR_PG_PASSWORD';
create database $SHNOR_PG_DATABASE owner $SHNOR_PG_USER;
SQL
