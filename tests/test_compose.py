"""docker-compose.yml checked statically (no Docker engine here): services, pinned images, files it names."""

from __future__ import annotations

import yaml

from shnor.settings import PROJECT_ROOT


def compose():
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_airflow_services_on_postgres():
    services = compose()["services"]
    assert {"postgres", "airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"} <= set(services)
    for name, service in services.items():
        if name.startswith("airflow"):
            assert service["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
            assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_images_are_pinned_and_referenced_files_exist():
    for service in compose()["services"].values():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest")
        if "build" in service:
            assert (PROJECT_ROOT / service["build"] / "Dockerfile").exists()
        if "env_file" in service:
            assert (PROJECT_ROOT / service["env_file"]).exists()
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "constraints.txt" in dockerfile
