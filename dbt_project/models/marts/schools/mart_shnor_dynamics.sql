-- Seed 003: how each methodology's ШНОР list changed from the previous year per municipality — stayed,
-- entered, left. Only years whose previous year exists for that methodology are compared.
with membership as (
    select * from {{ ref('int_shnor_membership') }}
),

years as (
    select distinct methodology, result_year from membership
),

compared_years as (
    select current_year.methodology, current_year.result_year
    from years as current_year
    inner join years as previous_year
        on current_year.methodology = previous_year.methodology
       and previous_year.result_year = current_year.result_year - 1
),

flags as (
    select
        compared_years.methodology,
        compared_years.result_year,
        membership.municipality_oktmo,
        membership.school_code,
        max(case when membership.result_year = compared_years.result_year then 1 else 0 end) as is_member_now,
        max(case when membership.result_year = compared_years.result_year - 1 then 1 else 0 end) as was_member_before
    from compared_years
    inner join membership
        on membership.methodology = compared_years.methodology
       and membership.result_year in (compared_years.result_year, compared_years.result_year - 1)
    group by compared_years.methodology, compared_years.result_year, membership.municipality_oktmo, membership.school_code
),

counts as (
    select
        methodology,
        result_year,
        municipality_oktmo,
        {{ list_overlap('is_member_now', 'was_member_before', 'current_schools', 'previous_schools',
                        'stayed', 'entered', 'left_list') }}
    from flags
    group by methodology, result_year, municipality_oktmo
),

municipalities as (
    select * from {{ ref('int_registry_municipalities') }}
)

select
    municipalities.municipality_oktmo,
    municipalities.municipality_name,
    compared_years.methodology,
    {{ code_label('methodology', 'compared_years.methodology') }} as methodology_label,
    compared_years.result_year,
    coalesce(counts.previous_schools, 0) as previous_schools,
    coalesce(counts.current_schools, 0) as current_schools,
    coalesce(counts.stayed, 0) as stayed,
    coalesce(counts.entered, 0) as entered,
    coalesce(counts.left_list, 0) as left_list
from municipalities
cross join compared_years
left join counts
    on municipalities.municipality_oktmo = counts.municipality_oktmo
   and compared_years.methodology = counts.methodology
   and compared_years.result_year = counts.result_year
