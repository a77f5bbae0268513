{#- Numbers in text and numbers computed the same on every engine. -#}

{#- Numbers inside the reasons people read: "35.0" for a share of 0.35, "-1.23" for an index. Casting through
    numeric keeps the rounding identical on DuckDB and PostgreSQL. -#}
{% macro percent_text(share) -%}
    cast(round(cast({{ share }} * 100 as numeric(18, 6)), 1) as varchar)
{%- endmacro %}

{% macro number_text(value, digits=2) -%}
    cast(round(cast({{ value }} as numeric(18, 6)), {{ digits }}) as varchar)
{%- endmacro %}

{#- One methodology parameter as a one-row column, for a cross join. -#}
{% macro methodology_parameter(name) -%}
    (select max(value) from {{ ref('methodology_parameters') }} where parameter = '{{ name }}')
{%- endmacro %}

{#- A computed index rounded to 1e-9: the same data then give the same value, and the same ranks, on
    DuckDB and PostgreSQL whatever order their aggregates add in. -#}
{% macro stable_round(value) -%}
    cast(round(cast({{ value }} as numeric(28, 12)), 9) as double precision)
{%- endmacro %}

{#- A value as people read it in the letter: a share as a whole percent ("45 %", a no-break space before the sign), a count as a whole number, an
    index with two decimals. Rounding through numeric, so DuckDB and PostgreSQL print the same. -#}
{% macro value_text(value, unit) -%}
    case
        when {{ unit }} = 'share' then cast(cast(round(cast({{ value }} * 100 as numeric(18, 6))) as integer) as varchar) || ' %'
        when {{ unit }} = 'index' then {{ number_text(value) }}
        else cast(cast(round(cast({{ value }} as numeric(18, 6))) as integer) as varchar)
    end
{%- endmacro %}
