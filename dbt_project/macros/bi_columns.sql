{#- Columns an analyst finds on every mart, so a BI question needs no join for them. -#}

{#- Every row of `relation` (a CTE name; it has monitoring_id and none of the columns below) with the year and
    the dates of its monitoring window from int_monitoring_windows, as the last columns: monitoring_year,
    window_open, window_close. A left join: a row whose window the calendar lacks is kept, its year empty (each
    mart's not_null test on monitoring_year says so). The one join behind those columns on every mart of a
    monitoring. -#}
{% macro with_monitoring_window(relation) -%}
select
    {{ relation }}.*,
    monitoring_windows.monitoring_year,
    monitoring_windows.window_open,
    monitoring_windows.window_close
from {{ relation }}
left join {{ ref('int_monitoring_windows') }} as monitoring_windows
    on {{ relation }}.monitoring_id = monitoring_windows.monitoring_id
{%- endmacro %}

{#- Post-hook of every mart (dbt_project.yml): the mart gets the column is_demo — whether the warehouse holds the
    demo region's data, i.e. took in a file carrying the demo mark (raw.files.is_demo, the flag
    shnor_core.demo.holds_demo_data reads) — unless the mart has its own is_demo per row (the form marts: the
    row's file). Added here, once, rather than in 40 models' SQL: a new mart cannot lack it, and the flag is the
    same on DuckDB and PostgreSQL and in the published copy. The value is the column's default, so on
    PostgreSQL adding it rewrites nothing. Runs before persist_docs, so the column gets its description. `if not
    exists` rather than a look at the mart's columns first: one statement fewer per mart (BENCHMARKS.md). -#}
{% macro mark_demo_data() %}
    {% if execute %}
        {% set flag = run_query("select coalesce(bool_or(is_demo), false) from " ~ source('raw', 'files')) %}
        alter table {{ this }} add column if not exists is_demo boolean
            default {{ 'true' if flag.columns[0].values()[0] else 'false' }}
    {% endif %}
{% endmacro %}

{#- The Russian name of a code a mart stores in Latin letters (seed code_labels): `code_set` names the set
    (change_direction, methodology, list_kind, periodicity), `code` is the SQL expression holding the code.
    Empty when the code is empty; a code without a name is caught by the not_null test on the *_label column. -#}
{% macro code_label(code_set, code) -%}
    (select code_labels.label from {{ ref('code_labels') }} as code_labels
     where code_labels.code_set = '{{ code_set }}' and code_labels.code = {{ code }})
{%- endmacro %}
