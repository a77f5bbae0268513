-- Context of each municipality's schools from ОО-1, the "контекстные данные" the regional letter
-- reads monitoring results against.
select
    ctx.data_year,
    ctx.municipality_oktmo,
    m.municipality_name,
    count(*) as schools,
    cast(sum(case when ctx.is_rural then 1 else 0 end) as bigint) as rural_schools,
    cast(sum(ctx.pupils_total) as bigint) as pupils_total,
    cast(sum(ctx.pupils_ovz) as bigint) as pupils_ovz,
    cast(sum(ctx.pupils_ovz) as double precision) / nullif(sum(ctx.pupils_total), 0) as ovz_share,
    cast(sum(ctx.teachers_total) as bigint) as teachers_total,
    cast(sum(ctx.teacher_vacancies) as bigint) as teacher_vacancies,
    cast(sum(case when ctx.has_internet then 0 else 1 end) as bigint) as schools_without_internet
from {{ ref('int_current_context') }} as ctx
inner join {{ ref('int_current_municipalities') }} as m
    on ctx.municipality_oktmo = m.municipality_oktmo
group by ctx.data_year, ctx.municipality_oktmo, m.municipality_name
