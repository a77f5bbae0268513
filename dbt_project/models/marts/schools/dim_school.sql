-- Schools per year of ОО-1 context: codes, municipality, level, urban/rural, size and context variables.
select
    schools.school_code,
    ctx.data_year,
    schools.school_name,
    schools.municipality_oktmo,
    m.municipality_name,
    schools.inn,
    schools.ogrn,
    case
        when lower(schools.school_name) like '%оош%' or lower(schools.school_name) like '%основн%' then 'основная'
        when lower(schools.school_name) like '%нош%' or lower(schools.school_name) like '%начальн%' then 'начальная'
        else 'средняя'
    end as school_level,
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
    -- lineage: the ОО-1 row of the year and the registry row of the school
    ctx.source_sha256,
    ctx.source_row_id,
    schools.source_row_id as registry_source_row_id
from {{ ref('int_current_schools') }} as schools
inner join {{ ref('int_current_context') }} as ctx
    on schools.school_code = ctx.school_code
inner join {{ ref('dim_municipality') }} as m
    on schools.municipality_oktmo = m.municipality_oktmo
