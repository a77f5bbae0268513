{#- On PostgreSQL, after each mart is (re)built: BI readers and municipal users may select it, and municipal users
    see only their municipalities' rows (row-level security; who sees which municipality is access.municipal_users,
    read through access.my_municipalities, see shnor/postgres.py). The policies ask who logged in (session_user),
    never who the session has switched to (current_user): SET ROLE cannot widen what a municipal login sees.
    Which column holds a mart's municipality is declared in the mart's YAML —
    `config: {meta: {municipality_key: <column>}}` — never guessed from a column name; a mart every
    municipality may read whole says why (`meta: {region_wide: "..."}`). A mart that declares neither
    is closed to municipal users (fails closed), and tests/test_access_policies.py refuses it.
    Other adapters: nothing to do. -#}
{% macro serve_to_bi_readers() %}
    {% if target.type == 'postgres' %}
        {% set meta = config.get('meta') or {} %}
        {% set key = meta.get('municipality_key') %}
        grant select on {{ this }} to shnor_bi_reader, shnor_municipal;
        alter table {{ this }} enable row level security;
        drop policy if exists municipal_rows on {{ this }};
        {% if key %}
            create policy municipal_rows on {{ this }} for select using (
                not pg_has_role(session_user, 'shnor_municipal', 'MEMBER')
                or {{ adapter.quote(key) }} in (select municipality_oktmo from access.my_municipalities)
            );
        {% elif meta.get('region_wide') %}
            create policy municipal_rows on {{ this }} for select using (true);
        {% else %}
            create policy municipal_rows on {{ this }} for select using (
                not pg_has_role(session_user, 'shnor_municipal', 'MEMBER')
            );
        {% endif %}
    {% endif %}
{% endmacro %}
