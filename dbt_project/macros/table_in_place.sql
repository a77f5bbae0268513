{#- dbt's table materialization on DuckDB, replacing the table in place: in the model's transaction the old table (or
    a view of the same name) is dropped and the new one created under its own name. dbt-duckdb's default creates
    the table under a temporary name, looks up the old one's indexes, renames it aside, renames the new one in and
    drops the old after the commit — five statements per rebuilt mart (three on a new warehouse), each a round of
    dbt's statement machinery, for the 50 marts of every build; here two (one on a new warehouse: nothing to drop).
    This is dbt-duckdb's own path for a table with foreign keys (drop_relation_for_rebuild, create_table_as,
    restore_foreign_key_dependents), taken for every table. The same guarantee: DuckDB's DDL is transactional, so
    a reader sees the old table or the new one and a failed build leaves the old one; DuckDB views bind their
    query when read, so the views on a mart need nothing. Hooks, grants and persist_docs as in dbt-duckdb's. -#}
{%- materialization table, adapter='duckdb', supported_languages=['sql', 'python'] -%}
  {%- set language = model['language'] -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {% set grant_config = config.get('grants') %}
  {%- set dropped_dependents = [] -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% if existing_relation is not none %}
    {% set dropped_dependents = drop_relation_for_rebuild(existing_relation) %}
  {% endif %}
  {% call statement('main', language=language) -%}
    {{- create_table_as(False, target_relation, compiled_code, language) }}
  {%- endcall %}
  {% do restore_foreign_key_dependents(dropped_dependents) %}
  {% do create_indexes(target_relation) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  -- `COMMIT` happens here
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
