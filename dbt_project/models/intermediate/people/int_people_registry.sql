-- Who is on each municipality's registries of a year (pseudonymous ids): the latest file that was not
-- refused for each municipality, year and category (a registry sent again replaces the one before it; a
-- file of teachers only leaves the teams as they were).
with ranked as (
    {{ rows_ranked_by_latest_file('stg_people_registry') }}
)

select distinct
    person_id,
    person_role,
    team_role,
    registry_year,
    municipality_oktmo,
    school_code
from ranked
where file_rank = 1
  and person_role is not null
