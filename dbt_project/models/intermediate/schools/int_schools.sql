-- Schools per year of ОО-1 context: codes, municipality, level, urban/rural, size and context variables; and the
-- schools the results name that the registry does not have (is_registered false: no ОО-1 year, no context).
with named as (
    select school_code, school_name, municipality_oktmo, inn, ogrn, true as is_registered, source_row_id
    from {{ ref('int_current_schools') }}
    union all
    select school_code, school_name, municipality_oktmo, null, null, false, null
    from {{ ref('int_unregistered_schools') }}
),

levelled as (
    select
        named.*,
        case
            when lower(school_name) like '%оош%' or lower(school_name) like '%основн%' then 'основная'
            when lower(school_name) like '%нош%' or lower(school_name) like '%начальн%' then 'начальная'
            else 'средняя'
        end as school_level
    from named
)

select
    schools.school_code,
    ctx.data_year,
    schools.school_name,
    schools.municipality_oktmo,
    m.municipality_name,
    schools.inn,
    schools.ogrn,
    schools.school_level,
    ctx.is_rural,
    ctx.pupils_total,
    ctx.pupils_total < {{ methodology_parameter('small_school_pupils') }} as is_small_school,
    ctx.pupils_1_4,
    ctx.pupils_5_9,
    ctx.pupils_10_11,
    ctx.pupils_ovz,
    cast(ctx.pupils_ovz as double precision) / nullif(ctx.pupils_total, 0) as ovz_share,
    ctx.classes_total,
    ctx.class_sets,
    ctx.teachers_total,
    ctx.teacher_vacancies,
    ctx.teachers_higher_category,
    ctx.teachers_under_35,
    ctx.teachers_60_plus,
    ctx.computers_total,
    ctx.has_internet,
    schools.is_registered,
    -- lineage: the ОО-1 row of the year and the registry row of the school
    ctx.source_sha256,
    ctx.source_row_id,
    schools.source_row_id as registry_source_row_id
from levelled as schools
inner join {{ ref('int_current_context') }} as ctx
    on schools.school_code = ctx.school_code
inner join {{ ref('int_current_municipalities') }} as m
    on schools.municipality_oktmo = m.municipality_oktmo
where schools.is_registered

union all

-- an unregistered school: its municipality's name (none for a regional body's school), nothing of ОО-1
select
    schools.school_code,
    null as data_year,
    schools.school_name,
    schools.municipality_oktmo,
    m.municipality_name,
    null as inn,
    null as ogrn,
    schools.school_level,
    null as is_rural,
    null as pupils_total,
    null as is_small_school,
    null as pupils_1_4,
    null as pupils_5_9,
    null as pupils_10_11,
    null as pupils_ovz,
    null as ovz_share,
    null as classes_total,
    null as class_sets,
    null as teachers_total,
    null as teacher_vacancies,
    null as teachers_higher_category,
    null as teachers_under_35,
    null as teachers_60_plus,
    null as computers_total,
    null as has_internet,
    schools.is_registered,
    null as source_sha256,
    null as source_row_id,
    null as registry_source_row_id
from levelled as schools
left join {{ ref('int_current_municipalities') }} as m
    on schools.municipality_oktmo = m.municipality_oktmo
where not schools.is_registered
