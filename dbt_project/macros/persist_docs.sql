{#- dbt's persist_docs for this project's adapters (DuckDB, PostgreSQL): the same comments — the model's description
    on the relation, each documented column's on the column, a warning naming a documented column the relation
    lacks — from one look at the relation's columns and in one statement. dbt's own looks the columns up twice
    (default__persist_docs, then <adapter>__alter_column_comment) and sends the relation's comment apart: with
    mark_demo_data's, three column lookups per mart, each a round of dbt's statement machinery (BENCHMARKS.md,
    «Постоянная цена dbt build»). Dispatch takes the root project's macro before the adapter's. -#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {{ persist_docs_in_one_statement(relation, model, for_relation, for_columns) }}
{%- endmacro %}

{% macro postgres__persist_docs(relation, model, for_relation, for_columns) -%}
    {{ persist_docs_in_one_statement(relation, model, for_relation, for_columns) }}
{%- endmacro %}

{% macro persist_docs_in_one_statement(relation, model, for_relation, for_columns) %}
    {% set statements = [] %}
    {% if for_relation and config.persist_relation_docs() and model.description %}
        {% do statements.append(alter_relation_comment(relation, model.description)) %}
    {% endif %}
    {% if for_columns and config.persist_column_docs() and model.columns %}
        {% set existing = adapter.get_columns_in_relation(relation) | map(attribute="name") | list %}
        {% set documented = validate_doc_columns(relation, model.columns, existing) %}
        {% for name, column in documented.items() %}
            {% set escaped = postgres_escape_comment(column['description']) if target.type == 'postgres'
                             else duckdb_escape_comment(column['description']) %}
            {% do statements.append("comment on column " ~ relation ~ "."
                                    ~ (adapter.quote(name) if column['quote'] else name) ~ " is " ~ escaped ~ ";") %}
        {% endfor %}
    {% endif %}
    {% if statements %}
        {% do run_query(statements | join("\n")) %}
    {% endif %}
{% endmacro %}
