-- One row per series point: the value that currently stands for a source's (platform
-- label, policy key, published metric label, period, geography), with harmonised ids. It comes from the
-- release with the highest precedence (raw file over curated transcription), then the
-- latest edition. For sources whose releases republish the whole history, only the newest
-- full snapshot counts: a figure missing from it was dropped by the publisher. Curated
-- copies superseded by raw files, metrics that are not harmonised ('other') and numbers
-- held back (see `held_back`) are left out. Where the winning release gives the same key
-- twice with different values (possible only in curated tables), `conflict` is true and
-- charts leave the point out.
WITH latest_full AS (
    SELECT source_id, arg_max(release_id, edition_end) AS release_id
    FROM releases
    WHERE snapshot = 'full'
    GROUP BY source_id
),
candidates AS (
    SELECT o.*
    FROM fct_observations AS o
    LEFT JOIN latest_full AS lf ON lf.source_id = o.source_id
    WHERE o.metric_id <> 'other'
      AND o.traceable
      AND NOT o.superseded
      AND (o.snapshot <> 'full' OR o.release_id = lf.release_id)
),
ranked AS (
    SELECT *, dense_rank() OVER (
        PARTITION BY source_id, platform_label, policy_key, metric_label, period_start, period_end, geography
        ORDER BY precedence DESC, edition_end DESC, release_id DESC
    ) AS rnk
    FROM candidates
)
SELECT
    source_id,
    platform_label,
    any_value(platform_id) AS platform_id,
    policy_key,
    any_value(policy_area) AS policy_area,
    metric_label,
    any_value(metric_id) AS metric_id,
    any_value(qualifier) AS qualifier,
    arg_min(qualifier_word, locator) AS qualifier_word,
    period_start,
    period_end,
    geography,
    arg_min(release_id, locator) AS release_id,
    arg_min(edition, locator) AS edition,
    arg_min(release_kind, locator) AS release_kind,
    arg_min(policy_label, locator) AS policy_label,
    arg_min(value_status, locator) AS value_status,
    arg_min(value, locator) AS value,
    arg_min(value_low, locator) AS value_low,
    arg_min(value_high, locator) AS value_high,
    arg_min(value_as_published, locator) AS value_as_published,
    arg_min(unit, locator) AS unit,
    arg_min(unit_kind, locator) AS unit_kind,
    arg_min(unit_display, locator) AS unit_display,
    min(locator) AS locator,
    arg_min(source_url, locator) AS source_url,
    arg_min(source_title, locator) AS source_title,
    arg_min(note, locator) AS note,
    arg_min(doc_url, locator) AS doc_url,
    arg_min(doc_number_url, locator) AS doc_number_url,
    arg_min(doc_kind, locator) AS doc_kind,
    arg_min(doc_label, locator) AS doc_label,
    arg_min(doc_text, locator) AS doc_text,
    count(*) AS n_lines,
    count(DISTINCT (value_status, value, value_low, value_high)) > 1 AS conflict
FROM ranked
WHERE rnk = 1
GROUP BY source_id, platform_label, policy_key, metric_label, period_start, period_end, geography
