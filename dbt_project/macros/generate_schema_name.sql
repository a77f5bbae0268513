{#- Layers land in schemas named exactly as configured (staging, intermediate, marts, reference),
    not "<target schema>_<name>", so BI users and Python readers find them by one stable name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
