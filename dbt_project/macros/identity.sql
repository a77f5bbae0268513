{#- The identity of a raw row's written names, as resolved before this build (identity.school_names, written by
    shnor.identity for every kind whose rows name a school): joined on the written key — municipality as written,
    the ОКТМО the reader read, school as written, the code the file carried — with empty text for none on both
    sides (a copy to PostgreSQL turns '' into null). One join for every such staging model. -#}
{% macro join_resolved_names(rows, names='names') -%}
left join {{ source('identity', 'school_names') }} as {{ names }}
    on coalesce({{ rows }}.municipality_name_raw, '') = coalesce({{ names }}.municipality_name_raw, '')
   and coalesce({{ rows }}.municipality_oktmo, '') = coalesce({{ names }}.municipality_oktmo_read, '')
   and coalesce({{ rows }}.school_name_raw, '') = coalesce({{ names }}.school_name_raw, '')
   and coalesce({{ rows }}.school_code, '') = coalesce({{ names }}.school_code_read, '')
{%- endmacro %}

{#- The columns every such staging model takes from that join: municipality and school as resolved (the key of an
    unregistered school is «u-…»), whether it waits for a person, and the reader's own guess kept for lineage. -#}
{% macro resolved_name_columns(rows, names='names') -%}
    {{ names }}.municipality_oktmo,
    {{ rows }}.municipality_name_raw,
    {{ rows }}.school_name_raw,
    {{ names }}.school_key as school_code,
    {{ names }}.is_registered,
    {{ names }}.status as identity_status,
    {{ names }}.needs_review as needs_name_review,
    {{ rows }}.school_code as school_code_read,
    {{ names }}.score as match_score
{%- endmacro %}
