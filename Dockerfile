# Airflow image with the project installed at the same pinned versions as `make install`.
FROM apache/airflow:3.3.2-python3.11
USER airflow
COPY --chown=airflow:root . /opt/shnor
RUN pip install --no-cache-dir -c /opt/shnor/constraints.txt -e /opt/shnor
ENV SHNOR_HOME=/opt/shnor-data \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/shnor/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False
