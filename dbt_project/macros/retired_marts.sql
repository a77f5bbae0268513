{#- on-run-end (dbt_project.yml): a table of the marts schema that no model of the project builds any more — a
    retired mart (CHANGELOG.md maps each to its replacement) — is dropped, so that an existing warehouse does not
    keep it with frozen numbers and the publication (which copies the marts schema) does not hand it to BI. -#}
{% macro drop_retired_marts() %}
    {% if execute and flags.WHICH in ('run', 'build') %}  {#- `dbt test` or `docs generate` never drop a table -#}
        {% set built = [] %}
        {% for node in graph.nodes.values() if node.resource_type in ('model', 'seed', 'snapshot')
                                              and node.schema == 'marts' %}
            {% do built.append(node.alias | lower) %}
        {% endfor %}
        {% set found = run_query("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'marts' and table_catalog = current_database()") %}
        {% for row in found.rows if row[0] | lower not in built %}
            {% set relation = api.Relation.create(database=target.database, schema='marts', identifier=row[0],
                                                  type='view' if row[1] == 'VIEW' else 'table') %}
            {% do log('retired mart dropped: ' ~ relation, info=true) %}
            {% do adapter.drop_relation(relation) %}
        {% endfor %}
    {% endif %}
{% endmacro %}
