"""docker-compose.yml checked statically (no Docker engine here): services, executor, pinned images,
health checks, volumes for every data area, and every file and variable it refers to."""

from __future__ import annotations

import re

import yaml

from shnor_core.settings import PROJECT_ROOT

AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                    "airflow-triggerer", "airflow-worker"}


def compose():
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_airflow_3_services_on_postgres_with_celery_workers():
    services = compose()["services"]
    assert AIRFLOW_SERVICES | {"postgres", "redis", "metabase"} == set(services)
    for name in AIRFLOW_SERVICES:
        environment = services[name]["environment"]
        assert environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert environment["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert environment["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["metabase"]["profiles"] == ["bi"]  # optional: docker compose --profile bi up


def test_long_running_services_have_health_checks_and_pinned_images():
    for name, service in compose()["services"].items():
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", service["image"]) and not service["image"].endswith(":latest"), name
        if name != "airflow-init":
            assert service["healthcheck"]["test"], name


def test_every_data_area_has_a_volume():
    services = compose()["services"]
    mounts = {volume.split(":")[1] for volume in services["airflow-worker"]["volumes"]}
    for area in ("landing", "archive", "quarantine", "warehouse", "reports", "published"):
        assert f"/opt/shnor-data/{area}" in mounts
    declared = set(compose()["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") and (PROJECT_ROOT / source).exists() or source in declared, source


def test_referenced_files_and_variables_exist():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    env_example = (PROJECT_ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^(\w+)=", env_example, re.M))
    for variable in set(re.findall(r"(?<!\$)\$\{(\w+)(?::-[^}]*)?\}", text)):  # $${X} is the container shell's
        assert variable in defined, variable
    for service in compose()["services"].values():
        if "build" in service:
            assert (PROJECT_ROOT / service["build"] / "Dockerfile").exists()
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-python3.11" in dockerfile and "constraints.txt" in dockerfile
    assert "/opt/shnor/plugins" in text and (PROJECT_ROOT / "plugins").is_dir()
