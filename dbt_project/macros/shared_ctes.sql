{#- Selects that several marts start from, written once. -#}

{#- Every municipality of each region (seed ref_regions × the ОКТМО reference): region_code, municipality_oktmo,
    municipality_name — the rows a per-municipality mart of a region lists, zeros included. -#}
{% macro region_municipalities() -%}
    select regions.region_code, municipalities.municipality_oktmo, municipalities.municipality_name
    from {{ ref('ref_regions') }} as regions
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on municipalities.oktmo_region_code = regions.oktmo_prefix
{%- endmacro %}

{#- Each monitoring window with a form (seed 003's calendar): its region, the date it closes (as_of_date: what is
    due by then counts) and the year of the roadmap it looks at. -#}
{% macro form_window_closes() -%}
    select
        monitoring_id,
        region_code,
        window_close as as_of_date,
        cast(extract(year from window_close) as integer) as roadmap_year
    from {{ ref('stg_monitoring_calendar') }}
    where form_id is not null
{%- endmacro %}

{#- The windows of the municipal-level monitoring over two years (seed 003: the ШНОР lists of the window's year and
    the year before), with the ОКТМО prefix of their region. -#}
{% macro two_year_windows() -%}
    select windows.monitoring_id, windows.region_code, windows.monitoring_year, regions.oktmo_prefix
    from {{ ref('int_monitoring_windows') }} as windows
    inner join {{ ref('ref_regions') }} as regions
        on windows.region_code = regions.region_code
    where windows.window_kind = 'municipal_two_year'
{%- endmacro %}

{#- Per municipality and year, how many schools are on the federal ШНОР list, on the regional one, on both and on
    one only, from `relation` (one row per school, year and methodology: municipality_oktmo, result_year,
    school_code, methodology). -#}
{% macro federal_regional_overlap(relation) -%}
    select
        municipality_oktmo,
        result_year,
        {{ list_overlap('on_federal', 'on_regional', 'federal_schools', 'regional_schools',
                        'in_both', 'only_federal', 'only_regional') }}
    from (
        select
            municipality_oktmo,
            result_year,
            school_code,
            max(case when methodology = 'federal' then 1 else 0 end) as on_federal,
            max(case when methodology = 'regional' then 1 else 0 end) as on_regional
        from {{ relation }}
        group by municipality_oktmo, result_year, school_code
    ) as per_school
    group by municipality_oktmo, result_year
{%- endmacro %}
