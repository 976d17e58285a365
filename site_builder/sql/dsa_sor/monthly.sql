-- One row per month, platform (as named in the dumps), policy label and measure: the number of
-- distinct statements of reasons of that month (by created_at, the database's own time axis).
-- A statement counts for a category label when its category or one of its additional categories is
-- that key, for a keyword label when its keywords contain it, for 'ALL categories' always.
-- Input: relation `cube` (final_cube.sql); $platforms: the dump names of the site's platforms;
-- $labels/$kinds: the policy labels and their kind ('all', 'category', 'keyword').
WITH pol AS (
  SELECT unnest($labels) AS policy_label, unnest($kinds) AS kind
), c AS (
  SELECT date_trunc('month', day)::DATE AS month, * FROM cube WHERE list_contains($platforms, platform_name)
), matched AS (
  SELECT c.*, pol.policy_label
  FROM c JOIN pol
    ON pol.kind = 'all'
    OR (pol.kind = 'category' AND (c.category = pol.policy_label OR list_contains(c.category_addition, pol.policy_label)))
    OR (pol.kind = 'keyword' AND list_contains(c.keywords, pol.policy_label))
), m AS (
  SELECT month, platform_name, policy_label,
    sum(rows) AS total,
    coalesce(sum(rows) FILTER (automated_detection = 'Yes'), 0) AS automated_detection,
    coalesce(sum(rows) FILTER (automated_decision = 'AUTOMATED_DECISION_FULLY'), 0) AS fully_automated,
    coalesce(sum(rows) FILTER (automated_decision = 'AUTOMATED_DECISION_PARTIALLY'), 0) AS partially_automated,
    coalesce(sum(rows) FILTER (source_type IN ('SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER',
                                               'SOURCE_TYPE_OTHER_NOTIFICATION')), 0) AS notice,
    coalesce(sum(rows) FILTER (source_type = 'SOURCE_TRUSTED_FLAGGER'), 0) AS trusted_flagger,
    coalesce(sum(rows) FILTER (source_type = 'SOURCE_VOLUNTARY'), 0) AS own_initiative,
    coalesce(sum(rows) FILTER (content_delay = '0'), 0) AS delay_0,
    coalesce(sum(rows) FILTER (content_delay = '1'), 0) AS delay_1,
    coalesce(sum(rows) FILTER (content_delay = '2-7'), 0) AS delay_2_7,
    coalesce(sum(rows) FILTER (content_delay = '8-30'), 0) AS delay_8_30,
    coalesce(sum(rows) FILTER (content_delay = '31-90'), 0) AS delay_31_90,
    coalesce(sum(rows) FILTER (content_delay = '91-365'), 0) AS delay_91_365,
    coalesce(sum(rows) FILTER (content_delay = '366-1826'), 0) AS delay_366_1826,
    coalesce(sum(rows) FILTER (content_delay = '1827+'), 0) AS delay_1827,
    coalesce(sum(rows) FILTER (content_delay = 'negative'), 0) AS delay_negative,
    coalesce(sum(rows) FILTER (content_delay = 'impossible'), 0) AS delay_impossible
  FROM matched
  GROUP BY ALL
)
SELECT month, platform_name, policy_label, measure, value::BIGINT AS value
FROM (UNPIVOT m ON COLUMNS(* EXCLUDE (month, platform_name, policy_label)) INTO NAME measure VALUE value)
ORDER BY month, platform_name, policy_label, measure
