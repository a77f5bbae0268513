-- The regional letter of seed 000, computed: one row per monitoring, municipality and recommendation rule
-- (seed recommendation_rules) with the values that decided it. A methodologist reads and changes the rules
-- (condition, template, measure, deadline, cap and ordering) and the named thresholds (dbt vars); every
-- sentence of the letter is the rule's template filled with these rows.
--   municipality rules: every municipality the rule could judge (with its values), meets_condition for those
--     meeting it, ranked by the rule's ordering; in_letter when within the rule's cap and the group names at least
--     letter_min_group_size municipalities (otherwise the recommendation stays in the municipality's own note);
--   region rules (items 1–2): every municipality of the monitoring's region; the statement holds when all meet the
--     condition, otherwise the letter names those that fall short (in_letter), a missing form included;
--   practice rules (item 9): also the fields «в части» and the practice score (int_practice_fields);
--   pairing rules (item 12): each weaker municipality gets a partner among the municipalities the partner rule
--     names, of the same ОО-1 context cluster where there is one (int_municipality_clusters), dealt in turn so
--     partners share the load; no partner — not in the letter.
-- A rule's measure (seed recommendation_measures) is due window close + deadline_days, or (next_window_open)
-- when the next window of the same form opens, by the calendar.
with rules as (
    select * from {{ ref('recommendation_rules') }}
),

thresholds as (
    {{ letter_thresholds() }}
),

expected as (
    select monitoring_id, municipality_oktmo, municipality_name, submission_status
    from {{ ref('mart_submission_status') }}
),

scores as (
    select * from {{ ref('int_rule_scores') }}
),

years as (
    select * from {{ ref('int_monitoring_school_year') }}
),

evaluated_rules as (
    select distinct rule_code, monitoring_id from scores
),

evaluated as (
    select
        rules.rule_code,
        expected.monitoring_id,
        expected.municipality_oktmo,
        expected.municipality_name,
        expected.submission_status,
        scores.combine,
        scores.comparison,
        scores.min_subjects,
        scores.evidence_subjects,
        rules.threshold as threshold_name,  -- the rule's, also where a municipality has no values (no form)
        rule_threshold.threshold_value,
        rule_threshold.threshold_unit,
        scores.list_code,
        scores.subjects,
        scores.subjects_meeting,
        scores.rule_value,
        scores.value_unit,
        coalesce(scores.meets_condition, false) as meets_condition,
        coalesce(scores.evidence, case when expected.submission_status = 'accepted' then 'нет данных'
                                       else 'форма не принята' end) as evidence,
        scores.region_mean_value
    from rules
    inner join evaluated_rules
        on rules.rule_code = evaluated_rules.rule_code
    inner join expected
        on evaluated_rules.monitoring_id = expected.monitoring_id
    left join thresholds as rule_threshold
        on rules.threshold = rule_threshold.threshold_name
    left join scores
        on rules.rule_code = scores.rule_code
       and expected.monitoring_id = scores.monitoring_id
       and expected.municipality_oktmo = scores.municipality_oktmo
    where rules.scope = 'region' or scores.rule_value is not null
),

enriched as (
    select
        evaluated.rule_code,
        evaluated.monitoring_id,
        evaluated.municipality_oktmo,
        evaluated.municipality_name,
        evaluated.submission_status,
        evaluated.combine,
        evaluated.comparison,
        evaluated.min_subjects,
        evaluated.evidence_subjects,
        evaluated.threshold_name,
        evaluated.threshold_value,
        evaluated.threshold_unit,
        evaluated.list_code,
        evaluated.subjects,
        evaluated.subjects_meeting,
        evaluated.rule_value,
        evaluated.value_unit,
        -- a practice rule's municipality must also be strong in at least one field of its own
        evaluated.meets_condition and (rules.rule_kind <> 'practice' or practices.practice_fields is not null)
            as meets_condition,
        evaluated.evidence,
        evaluated.region_mean_value,
        rules.item_number,
        rules.rule_order,
        rules.rule_kind,
        rules.scope,
        rules.title,
        rules.layout,
        rules.template,
        rules.template_unmet,
        rules.member_template,
        rules.order_by,
        rules.partner_rule,
        cap.threshold_value as cap_value,
        totals.total_share,
        practices.practice_score,
        practices.practice_fields,
        clusters.cluster_code,
        clusters.cluster_name
    from evaluated
    inner join rules
        on evaluated.rule_code = rules.rule_code
    left join thresholds as cap
        on rules.cap = cap.threshold_name
    left join {{ ref('mart_municipality_totals') }} as totals
        on evaluated.monitoring_id = totals.monitoring_id
       and evaluated.municipality_oktmo = totals.municipality_oktmo
    left join (
        select
            rule_code,
            monitoring_id,
            municipality_oktmo,
            max(practice_score) as practice_score,
            string_agg(case when is_named then '«' || field_label || '»' end, '; ' order by field_rank) as practice_fields
        from {{ ref('int_practice_fields') }}
        group by rule_code, monitoring_id, municipality_oktmo
    ) as practices
        on evaluated.rule_code = practices.rule_code
       and evaluated.monitoring_id = practices.monitoring_id
       and evaluated.municipality_oktmo = practices.municipality_oktmo
    left join years
        on evaluated.monitoring_id = years.monitoring_id
    left join {{ ref('int_municipality_clusters') }} as clusters
        on evaluated.municipality_oktmo = clusters.municipality_oktmo
       and years.school_year = clusters.result_year
),

ranked as (
    select
        enriched.*,
        case when meets_condition then row_number() over (
            partition by monitoring_id, rule_code, meets_condition
            order by
                case when order_by = 'value_asc' then rule_value end,
                case when order_by = 'value_desc' then rule_value end desc,
                case when order_by = 'score_desc' then practice_score end desc,
                coalesce(total_share, -1) desc,
                municipality_name
        ) end as rank_in_rule,
        sum(case when meets_condition then 1 else 0 end) over (partition by monitoring_id, rule_code) as group_size,
        count(*) over (partition by monitoring_id, rule_code) as evaluated_count
    from enriched
),

named as (
    select
        ranked.*,
        case when cap_value is null then group_size
             else least(group_size, cast(cap_value as integer)) end as named_count,
        case
            when scope = 'region' then not meets_condition
            else meets_condition
                 and (cap_value is null or rank_in_rule <= cap_value)
                 and (case when cap_value is null then group_size else least(group_size, cap_value) end)
                     >= {{ letter_threshold('letter_min_group_size') }}
        end as is_named
    from ranked
),

partner_pool as (
    select
        partners.monitoring_id,
        partners.rule_code as partner_rule,
        partners.municipality_oktmo as partner_oktmo,
        partners.municipality_name as partner_name,
        partners.cluster_code as partner_cluster_code,
        partners.cluster_name as partner_cluster_name,
        row_number() over (partition by partners.monitoring_id, partners.rule_code, partners.cluster_code
                           order by coalesce(partners.total_share, -1) desc, partners.municipality_name) as cluster_index,
        count(*) over (partition by partners.monitoring_id, partners.rule_code, partners.cluster_code) as cluster_partners,
        row_number() over (partition by partners.monitoring_id, partners.rule_code
                           order by coalesce(partners.total_share, -1) desc, partners.municipality_name) as region_index,
        count(*) over (partition by partners.monitoring_id, partners.rule_code) as region_partners
    from named as partners
    where partners.is_named and partners.scope = 'municipality'
),

clusters_with_partners as (
    select distinct monitoring_id, partner_rule, partner_cluster_code as cluster_code
    from partner_pool
    where partner_cluster_code is not null
),

weaker as (
    select
        named.monitoring_id,
        named.rule_code,
        named.municipality_oktmo,
        named.partner_rule,
        named.cluster_code,
        covered.cluster_code is not null as has_cluster_partner,
        row_number() over (
            partition by named.monitoring_id, named.rule_code,
                         case when covered.cluster_code is not null then named.cluster_code end
            order by named.rule_value, named.municipality_name
        ) as weaker_index
    from named
    left join clusters_with_partners as covered
        on named.monitoring_id = covered.monitoring_id
       and named.partner_rule = covered.partner_rule
       and named.cluster_code = covered.cluster_code
    where named.rule_kind = 'pairing' and named.meets_condition
),

pairs as (
    select
        weaker.monitoring_id,
        weaker.rule_code,
        weaker.municipality_oktmo,
        pool.partner_oktmo,
        pool.partner_name,
        pool.partner_cluster_name,
        weaker.has_cluster_partner as is_same_cluster
    from weaker
    inner join partner_pool as pool
        on weaker.monitoring_id = pool.monitoring_id
       and weaker.partner_rule = pool.partner_rule
       and (
            (weaker.has_cluster_partner and pool.partner_cluster_code = weaker.cluster_code
             and pool.cluster_index = mod(weaker.weaker_index - 1, pool.cluster_partners) + 1)
         or (not weaker.has_cluster_partner
             and pool.region_index = mod(weaker.weaker_index - 1, pool.region_partners) + 1)
       )
),

recommendations as (
    select
        named.monitoring_id,
        named.rule_code,
        named.item_number,
        named.rule_order,
        named.rule_kind,
        named.scope,
        named.title,
        named.layout,
        named.template,
        named.template_unmet,
        named.member_template,
        named.municipality_oktmo,
        named.municipality_name,
        named.submission_status,
        named.cluster_name,
        named.meets_condition,
        case when named.rule_kind = 'pairing' then named.is_named and pairs.partner_oktmo is not null
             else named.is_named end as in_letter,
        named.rank_in_rule,
        cast(named.group_size as bigint) as group_size,
        cast(named.named_count as bigint) as named_count,
        named.evaluated_count,
        case when named.scope = 'region' then named.group_size = named.evaluated_count end as statement_holds,
        named.rule_value,
        named.value_unit,
        {{ value_text('named.rule_value', 'named.value_unit') }} as value_text,
        named.region_mean_value,
        {{ value_text('named.region_mean_value', 'named.value_unit') }} as region_mean_text,
        rules.combine,
        rules.comparison,
        named.min_subjects,
        max(named.evidence_subjects) over (partition by named.monitoring_id, named.rule_code) as evidence_subjects,
        named.threshold_name,
        named.threshold_value,
        {{ value_text('named.threshold_value', 'named.threshold_unit') }} as threshold_text,
        named.cap_value,
        named.subjects,
        cast(named.subjects_meeting as bigint) as subjects_meeting,
        named.evidence,
        named.list_code,
        lists.list_label,
        years.school_year,
        years.monitoring_year + 1 as next_year,
        named.total_share,
        named.practice_score,
        named.practice_fields,
        pairs.partner_oktmo,
        pairs.partner_name,
        pairs.partner_cluster_name,
        pairs.is_same_cluster,
        rules.measure_code,
        measures.measure_number,
        measures.wording as measure_wording,
        rules.deadline_rule,
        case
            when rules.deadline_rule = 'next_window_open' and years.next_window_open is not null
                then years.next_window_open
            when rules.deadline_days is not null
                then cast(years.window_close + rules.deadline_days * interval '1 day' as date)
        end as due_date
    from named
    inner join rules
        on named.rule_code = rules.rule_code
    left join pairs
        on named.monitoring_id = pairs.monitoring_id
       and named.rule_code = pairs.rule_code
       and named.municipality_oktmo = pairs.municipality_oktmo
    left join {{ ref('recommendation_measures') }} as measures
        on rules.measure_code = measures.measure_code
    left join {{ ref('shnor_lists') }} as lists
        on named.list_code = lists.list_code
    left join years
        on named.monitoring_id = years.monitoring_id
)

{{ with_monitoring_window('recommendations') }}
