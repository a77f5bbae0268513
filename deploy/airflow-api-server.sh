#!/usr/bin/env bash
# The compose api-server: Airflow 3's simple auth manager with the admin password from .env
# (AIRFLOW_ADMIN_PASSWORD, given to this service only as SHNOR_AIRFLOW_ADMIN_PASSWORD) instead of
# a password generated and printed into the logs. The auth manager reads the passwords file named by
# AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE; it is written anew on every start (owner-only),
# so changing the password in .env and restarting the service changes it.
set -euo pipefail

: "${SHNOR_AIRFLOW_ADMIN_PASSWORD:?is not set: the Airflow admin needs a password (AIRFLOW_ADMIN_PASSWORD in .env)}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?is not set}"

(
    umask 077
    python - <<'PY'
import json
import os

users = [entry.split(":")[0] for entry in os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "").split(",")]
if users != ["admin"]:
    raise SystemExit(f"airflow-api-server.sh: expected the one user 'admin' in AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS, got {users}")
with open(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"], "w", encoding="utf-8") as handle:
    json.dump({"admin": os.environ["SHNOR_AIRFLOW_ADMIN_PASSWORD"]}, handle)
    handle.write("\n")
PY
)
unset SHNOR_AIRFLOW_ADMIN_PASSWORD
exec airflow api-server "$@"
