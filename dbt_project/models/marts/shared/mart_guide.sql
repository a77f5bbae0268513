{#- «Начните здесь»: every mart of the project (read from dbt's own graph, so none is forgotten; an ephemeral
    model of the marts layer is no table and not listed) with its
    description from its YAML and, from seed mart_questions, the question it answers, its grain and key.
    A mart without a row in the seed has no question: the model's not_null test on `question` fails. -#}
{%- set marts = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
            if node.resource_type == 'model' and node.config.schema == 'marts'
               and node.config.materialized != 'ephemeral' -%}
        {%- do marts.append(node) -%}
    {%- endfor -%}
{%- endif %}
with marts as (
{%- for node in marts %}
    select
        '{{ node.name }}' as mart_name,
        '{{ node.description | trim | replace("'", "''") }}' as mart_description,
        {{ node.columns | length }} as described_columns
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- if not marts %}
    select cast(null as varchar) as mart_name, cast(null as varchar) as mart_description, 0 as described_columns
    where 1 = 0
{%- endif %}
)

select
    questions.guide_order,
    marts.mart_name,
    'marts.' || marts.mart_name as table_name,
    questions.topic,
    questions.question,
    questions.grain,
    questions.key_columns,
    marts.mart_description,
    marts.described_columns
from marts
left join {{ ref('mart_questions') }} as questions
    on questions.mart_name = marts.mart_name
