-- Seed 003 asks each municipality to «сопоставить количество и перечни ШНОР, идентифицированных по региональной и
-- федеральной методикам за 2 года». For each window of the municipal-level monitoring over two years: every school
-- on a ШНОР list in force (int_shnor_lists_in_force) in the window's year or the year before, per methodology,
-- with whether it stayed on the list, entered it or left it.
with windows as (
    {{ two_year_windows() }}
),

flags as (
    select
        windows.monitoring_id,
        windows.monitoring_year,
        lists.methodology,
        lists.municipality_oktmo,
        lists.school_code,
        max(case when lists.result_year = windows.monitoring_year - 1 then 1 else 0 end) as was_on_list,
        max(case when lists.result_year = windows.monitoring_year then 1 else 0 end) as is_on_list
    from windows
    inner join {{ ref('int_shnor_lists_in_force') }} as lists
        on lists.result_year in (windows.monitoring_year - 1, windows.monitoring_year)
       and substr(lists.municipality_oktmo, 1, 2) = windows.oktmo_prefix
    group by windows.monitoring_id, windows.monitoring_year, lists.methodology, lists.municipality_oktmo, lists.school_code
),

changes as (
    select
        flags.monitoring_id,
        flags.municipality_oktmo,
        municipalities.municipality_name,
        flags.methodology,
        {{ code_label('methodology', 'flags.methodology') }} as methodology_label,
        flags.school_code,
        registry.school_name,
        flags.was_on_list = 1 as was_on_list,
        flags.is_on_list = 1 as is_on_list,
        case
            when flags.was_on_list = 1 and flags.is_on_list = 1 then 'stayed'
            when flags.is_on_list = 1 then 'entered'
            else 'left'
        end as list_change
    from flags
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on flags.municipality_oktmo = municipalities.municipality_oktmo
    left join {{ ref('int_current_schools') }} as registry
        on flags.school_code = registry.school_code
)

{{ with_monitoring_window('changes') }}
