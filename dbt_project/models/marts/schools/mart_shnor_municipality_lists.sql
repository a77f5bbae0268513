-- Seed 003 per municipality and year (every municipality of the registry, zeros included): the federal (ФИОКО) and
-- the regional ШНОР lists side by side (in both, only federal, only regional), the biased-results flags, how each
-- methodology's list changed from the previous year (stayed, entered, left), and the list computed by the regional
-- methodology with its exit rule (int_shnor_list_status) in counts. has_no_federal_listed_school marks seed 000's
-- item 10: no school of the municipality on ФИОКО's lists (ШНОР and biased results) — the federal lists only.
-- A block is empty in a year it has nothing to count: the lists by methodology in a year no school is on either,
-- a methodology's moves in a year whose previous year it has no list for, the computed list in a year without
-- results and its moves in the region's first loaded year.
-- Folds mart_shnor_comparison, mart_shnor_dynamics and mart_shnor_list_changes (2026-12, CHANGELOG.md).
with membership as (
    select * from {{ ref('int_shnor_membership') }}
),

status as (
    select * from {{ ref('int_shnor_list_status') }}
),

list_years as (
    select distinct result_year from membership
),

status_years as (
    select result_year, max(case when was_on_list is not null then 1 else 0 end) as has_previous_year
    from status
    group by result_year
),

methodology_years as (
    select distinct methodology, result_year from membership
),

compared_years as (
    select current_year.methodology, current_year.result_year
    from methodology_years as current_year
    inner join methodology_years as previous_year
        on current_year.methodology = previous_year.methodology
       and previous_year.result_year = current_year.result_year - 1
),

overlap as (
    {{ federal_regional_overlap(ref('int_shnor_membership')) }}
),

fioco_lists as (
    select
        registry.municipality_oktmo,
        lists.list_year as result_year,
        sum(case when lists.is_biased_results then 1 else 0 end) as biased_schools,
        count(*) as federal_or_biased_schools
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    where lists.is_federal_shnor or lists.is_biased_results
    group by registry.municipality_oktmo, lists.list_year
),

school_moves as (
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

moves as (
    select
        methodology,
        result_year,
        municipality_oktmo,
        {{ list_overlap('is_member_now', 'was_member_before', 'current_schools', 'previous_schools',
                        'stayed', 'entered', 'left_list') }}
    from school_moves
    group by methodology, result_year, municipality_oktmo
),

computed as (
    select
        municipality_oktmo,
        result_year,
        sum(case when is_on_list then 1 else 0 end) as on_list,
        sum(case when is_identified then 1 else 0 end) as identified,
        sum(case when is_kept_by_exit_rule then 1 else 0 end) as kept_by_exit_rule,
        sum(case when list_status = 'entered' then 1 else 0 end) as entered,
        sum(case when list_status = 'persisting' then 1 else 0 end) as persisting,
        sum(case when list_status = 'exited' then 1 else 0 end) as exited,
        sum(case when is_cusp then 1 else 0 end) as cusp_schools
    from status
    group by municipality_oktmo, result_year
),

years as (
    select result_year from list_years
    union
    select result_year from status_years
)

select
    municipalities.municipality_oktmo,
    municipalities.municipality_name,
    years.result_year,
    case when list_years.result_year is not null then coalesce(overlap.federal_schools, 0) end as federal_schools,
    case when list_years.result_year is not null then coalesce(overlap.regional_schools, 0) end as regional_schools,
    case when list_years.result_year is not null then coalesce(overlap.in_both, 0) end as in_both,
    case when list_years.result_year is not null then coalesce(overlap.only_federal, 0) end as only_federal,
    case when list_years.result_year is not null then coalesce(overlap.only_regional, 0) end as only_regional,
    case when list_years.result_year is not null
        then cast(coalesce(fioco_lists.biased_schools, 0) as integer) end as biased_schools,
    case when list_years.result_year is not null
        then coalesce(fioco_lists.federal_or_biased_schools, 0) = 0 end as has_no_federal_listed_school,
    case when federal_years.result_year is not null
        then coalesce(federal_moves.previous_schools, 0) end as federal_previous_schools,
    case when federal_years.result_year is not null then coalesce(federal_moves.stayed, 0) end as federal_stayed,
    case when federal_years.result_year is not null then coalesce(federal_moves.entered, 0) end as federal_entered,
    case when federal_years.result_year is not null then coalesce(federal_moves.left_list, 0) end as federal_left_list,
    case when regional_years.result_year is not null
        then coalesce(regional_moves.previous_schools, 0) end as regional_previous_schools,
    case when regional_years.result_year is not null then coalesce(regional_moves.stayed, 0) end as regional_stayed,
    case when regional_years.result_year is not null then coalesce(regional_moves.entered, 0) end as regional_entered,
    case when regional_years.result_year is not null
        then coalesce(regional_moves.left_list, 0) end as regional_left_list,
    case when status_years.result_year is not null
        then cast(coalesce(computed.on_list, 0) as integer) end as computed_on_list,
    case when status_years.result_year is not null
        then cast(coalesce(computed.identified, 0) as integer) end as computed_identified,
    case when status_years.result_year is not null
        then cast(coalesce(computed.kept_by_exit_rule, 0) as integer) end as computed_kept_by_exit_rule,
    case when status_years.has_previous_year = 1
        then cast(coalesce(computed.entered, 0) as integer) end as computed_entered,
    case when status_years.has_previous_year = 1
        then cast(coalesce(computed.persisting, 0) as integer) end as computed_persisting,
    case when status_years.has_previous_year = 1
        then cast(coalesce(computed.exited, 0) as integer) end as computed_exited,
    case when status_years.result_year is not null
        then cast(coalesce(computed.cusp_schools, 0) as integer) end as cusp_schools
from {{ ref('int_registry_municipalities') }} as municipalities
cross join years
left join list_years
    on years.result_year = list_years.result_year
left join status_years
    on years.result_year = status_years.result_year
left join compared_years as federal_years
    on federal_years.methodology = 'federal'
   and years.result_year = federal_years.result_year
left join compared_years as regional_years
    on regional_years.methodology = 'regional'
   and years.result_year = regional_years.result_year
left join overlap
    on municipalities.municipality_oktmo = overlap.municipality_oktmo
   and years.result_year = overlap.result_year
left join fioco_lists
    on municipalities.municipality_oktmo = fioco_lists.municipality_oktmo
   and years.result_year = fioco_lists.result_year
left join moves as federal_moves
    on federal_moves.methodology = 'federal'
   and municipalities.municipality_oktmo = federal_moves.municipality_oktmo
   and years.result_year = federal_moves.result_year
left join moves as regional_moves
    on regional_moves.methodology = 'regional'
   and municipalities.municipality_oktmo = regional_moves.municipality_oktmo
   and years.result_year = regional_moves.result_year
left join computed
    on municipalities.municipality_oktmo = computed.municipality_oktmo
   and years.result_year = computed.result_year
