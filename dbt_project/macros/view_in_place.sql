{#- dbt's view materialization on DuckDB, replacing the view in place: `create or replace view` in the model's
    transaction, where dbt's default creates the view under a temporary name, renames the old one aside, renames the
    new one in and drops the old — four statements and two renames per view, each a round of dbt's statement
    machinery, for the 57 staging and intermediate views of every build (BENCHMARKS.md, «Постоянная цена dbt
    build»). The same guarantee: a reader sees the old view or the new one (DuckDB's DDL is transactional, and a
    DuckDB view binds its query when read, so the views that read it need nothing). A table of the same name (a
    model that was a table before) is dropped first, as dbt does. Hooks, grants and persist_docs as in dbt's. -#}
{%- materialization view, adapter='duckdb' -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {% set grant_config = config.get('grants') %}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% if existing_relation is not none and not existing_relation.is_view %}
    {{ adapter.drop_relation(existing_relation) }}
  {% endif %}
  {% call statement('main') -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create or replace view {{ target_relation }} as (
      {{ sql }}
    );
  {%- endcall %}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
