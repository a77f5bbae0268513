{#- On PostgreSQL, after each mart is (re)built: BI readers may select it, and where it has a
    municipality key, municipal users see only their municipalities' rows (row-level security,
    list in access.municipal_users; see shnor/postgres.py). Other adapters: nothing to do. -#}
{% macro serve_to_bi_readers() %}
    {% if target.type == 'postgres' %}
        grant select on {{ this }} to shnor_bi_reader;
        {% set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
        {% if 'municipality_oktmo' in columns %}
            alter table {{ this }} enable row level security;
            drop policy if exists municipal_rows on {{ this }};
            create policy municipal_rows on {{ this }} for select using (
                not pg_has_role(current_user, 'shnor_municipal', 'MEMBER')
                or municipality_oktmo in (
                    select municipality_oktmo from access.municipal_users where role_name = current_user
                )
            );
        {% endif %}
    {% endif %}
{% endmacro %}
