-- One row per count of statements of reasons (SoRs) of the EU DSA Transparency Database that
-- this site holds: the hand-transcribed aggregates (source dsa_tdb) and the monthly counts
-- derived from the daily dumps (dsa_sor). A row is one platform's (or, for a curated
-- aggregate, several platforms') SoRs about one `subject` (data/taxonomy/sor_subjects.csv:
-- all categories, protection of minors, a keyword...) for one `measure`
-- (data/taxonomy/sor_measures.csv: all of them, with automated detection, following a notice,
-- a delay band...) in one period and place, as the winning release gives it: the highest
-- precedence, then the latest edition (as in mart series). Only numbers that are traceable,
-- not superseded and not held back; a key given twice with different values by its release
-- is kept with `conflict` true (pages leave it out).
-- For a monthly count from the dumps: `dumps_read`, the daily dumps of the month that were
-- read (from the note, "20 of the 31 daily dumps ...", else the locator, "(31 daily dumps;"),
-- `days_in_month` and `complete` (every day of the month read). Curated rows: NULL.
WITH measured AS (
    SELECT
        o.*,
        (SELECT arg_min(m.subject, (m.policy_key = '*', m.metric_key = '*')) FROM tax_sor_measures AS m
         WHERE m.source_id = o.source_id AND m.policy_key IN (o.policy_key, '*') AND m.metric_key IN (o.metric_key, '*')
           AND coalesce(m.subject, '') <> '') AS subject,
        (SELECT arg_min(m.measure, (m.metric_key = '*', m.policy_key = '*')) FROM tax_sor_measures AS m
         WHERE m.source_id = o.source_id AND m.policy_key IN (o.policy_key, '*') AND m.metric_key IN (o.metric_key, '*')
           AND coalesce(m.measure, '') <> '') AS measure
    FROM fct_observations AS o
    WHERE o.source_id IN (SELECT DISTINCT source_id FROM tax_sor_measures)
      AND o.traceable
      AND NOT o.superseded
),
ranked AS (
    SELECT *,
           dense_rank() OVER (
               PARTITION BY source_id, platform_label, policy_key, metric_key, period_start, period_end, geography
               ORDER BY precedence DESC, edition_end DESC, release_id DESC) AS rnk,
           row_number() OVER (
               PARTITION BY source_id, platform_label, policy_key, metric_key, period_start, period_end, geography
               ORDER BY precedence DESC, edition_end DESC, release_id DESC, locator, value_status, value,
                        value_as_published, note) AS pick
    FROM measured
    WHERE subject IS NOT NULL AND measure IS NOT NULL
),
picked AS (
    SELECT
        source_id, platform_label, policy_key, metric_key, period_start, period_end, geography,
        arg_min(release_id, pick) AS release_id,
        arg_min(release_kind, pick) AS release_kind,
        arg_min(edition, pick) AS edition,
        arg_min(platform_id, pick) AS platform_id,
        arg_min(policy_label, pick) AS policy_label,
        arg_min(policy_area, pick) AS policy_area,
        arg_min(metric_label, pick) AS metric_label,
        arg_min(metric_id, pick) AS metric_id,
        arg_min(qualifier, pick) AS qualifier,
        arg_min(qualifier_word, pick) AS qualifier_word,
        arg_min(geo_code, pick) AS geo_code,
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
        arg_min(subject, pick) AS subject,
        arg_min(measure, pick) AS measure,
        count(DISTINCT (value_status, value, value_low, value_high)) > 1 AS conflict
    FROM ranked
    WHERE rnk = 1
    GROUP BY source_id, platform_label, policy_key, metric_key, period_start, period_end, geography
),
months AS (
    SELECT *,
           source_id = 'dsa_sor' AND day(period_start) = 1 AND period_end = last_day(period_start) AS whole_month,
           coalesce(TRY_CAST(regexp_extract(coalesce(note, ''), '(\d+) of (?:the )?\d+ daily dumps', 1) AS INTEGER),
                    TRY_CAST(regexp_extract(coalesce(locator, ''), '\((\d+) daily dumps', 1) AS INTEGER)) AS dumps
    FROM picked
)
SELECT
    * EXCLUDE (whole_month, dumps),
    CASE WHEN whole_month THEN dumps END AS dumps_read,
    CASE WHEN whole_month THEN day(period_end) END AS days_in_month,
    CASE WHEN source_id = 'dsa_sor' THEN coalesce(whole_month AND dumps = day(period_end), false) END AS complete
FROM months
