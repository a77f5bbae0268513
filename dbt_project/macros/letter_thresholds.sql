{#- The named thresholds of the regional letter and of the ШНОР list's cusp and exit: one row per name with its
    value (a dbt var of dbt_project.yml) and its meaning in Russian. recommendation_rules refers to these
    names; a rule naming a threshold not listed here fails the relationships test on the seed. -#}
{% macro letter_threshold_definitions() -%}
    {{ return([
        ('letter_weak_line', 'share', 'Слабая линия: доля от максимума, ниже которой МО относится к группе слабых по направлению (пункты 1–8 письма)'),
        ('letter_strong_line', 'share', 'Сильная линия: доля от максимума, начиная с которой МО сильно по разделу или подпункту (пункты 9, 11)'),
        ('letter_strong_sections', 'count', 'Число разделов формы, по которым МО должно быть сильным, чтобы транслировать опыт (пункт 11)'),
        ('letter_practice_cap', 'count', 'Не более стольких МО называется в пункте о практиках (пункт 9)'),
        ('letter_practice_fields', 'count', 'Не более стольких подпунктов формы называется «в части» у каждого МО (пункт 9)'),
        ('letter_min_group_size', 'count', 'Группа попадает в региональное письмо, если в ней не меньше стольких МО; меньшая остаётся в справках этих МО'),
        ('letter_federal_list_max', 'count', 'Не более стольких школ в списках ФИОКО, чтобы практика МО рекомендовалась (пункт 10)'),
        ('letter_min_schools', 'count', 'Число школ (например, близких к низким результатам), с которого применяется правило по школам'),
        ('shnor_cusp_band', 'index', 'Полоса ИОР над порогом выявления в кластере: школы в ней — «близкие к низким результатам»'),
        ('shnor_exit_cycles', 'count', 'Лет подряд выше порога, после которых школа выходит из расчётного списка ШНОР'),
    ]) }}
{%- endmacro %}

{#- The thresholds as rows: threshold_name, threshold_unit, threshold_value, description. -#}
{% macro letter_thresholds() -%}
{%- for name, unit, description in letter_threshold_definitions() %}
select
    '{{ name }}' as threshold_name,
    '{{ unit }}' as threshold_unit,
    cast({{ var(name) }} as double precision) as threshold_value,
    '{{ description }}' as description
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}

{#- One threshold's value, for SQL that uses a fixed one (the cusp band, the exit cycles). -#}
{% macro letter_threshold(name) -%}
    cast({{ var(name) }} as double precision)
{%- endmacro %}
