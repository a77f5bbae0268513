-- First start of the compose PostgreSQL: a database for the marts beside Airflow's metadata database,
-- owned by the warehouse role the dbt "postgres" target connects as.
create role shnor login createrole password 'change-me';
create database shnor owner shnor;
