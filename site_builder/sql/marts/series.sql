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
    SELECT source_id, arg_max(release_id, (edition_end, release_id)) AS release_id
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
    ) AS rnk,
    -- which line of the winning release gives the point's fields: the first by locator, then
    -- by every field taken from it, so that the choice never depends on the order rows are read
    row_number() OVER (
        PARTITION BY source_id, platform_label, policy_key, metric_label, period_start, period_end, geography
        ORDER BY precedence DESC, edition_end DESC, release_id DESC, locator, policy_label, value_status, value,
                 value_low, value_high, value_as_published, unit, source_url, source_title, note, platform_id,
                 policy_area, metric_id, qualifier
    ) AS pick
    FROM candidates
)
SELECT
    source_id,
    platform_label,
    arg_min(platform_id, pick) AS platform_id,
    policy_key,
    arg_min(policy_area, pick) AS policy_area,
    metric_label,
    arg_min(metric_id, pick) AS metric_id,
    arg_min(qualifier, pick) AS qualifier,
    arg_min(qualifier_word, pick) AS qualifier_word,
    period_start,
    period_end,
    geography,
    arg_min(release_id, pick) AS release_id,
    arg_min(edition, pick) AS edition,
    arg_min(release_kind, pick) AS release_kind,
    arg_min(policy_label, pick) AS policy_label,
    arg_min(value_status, pick) AS value_status,
    arg_min(value, pick) AS value,
    arg_min(value_low, pick) AS value_low,
    arg_min(value_high, pick) AS value_high,
    arg_min(value_as_published, pick) AS value_as_published,
    arg_min(unit, pick) AS unit,
    arg_min(unit_kind, pick) AS unit_kind,
    arg_min(unit_display, pick) AS unit_display,
    arg_min(locator, pick) AS locator,
    arg_min(source_url, pick) AS source_url,
    arg_min(source_title, pick) AS source_title,
    arg_min(note, pick) AS note,
    arg_min(doc_url, pick) AS doc_url,
    arg_min(doc_number_url, pick) AS doc_number_url,
    arg_min(doc_kind, pick) AS doc_kind,
    arg_min(doc_label, pick) AS doc_label,
    arg_min(doc_text, pick) AS doc_text,
    count(*) AS n_lines,
    count(DISTINCT (value_status, value, value_low, value_high)) > 1 AS conflict
FROM ranked
WHERE rnk = 1
GROUP BY source_id, platform_label, policy_key, metric_label, period_start, period_end, geography
