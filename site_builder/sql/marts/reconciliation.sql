-- One row per compared platform (or company) and calendar year: the CyberTipline reports
-- the platform says it sent, next to the reports NCMEC says it received from the provider
-- lines that cover the same services, with the difference and the ratio.
--
-- Which published lines are added up on each side is data (data/taxonomy/ncmec_matching.csv):
-- a rule names the platforms whose disclosures are summed (`disclosure_ids`: Google's and
-- YouTube's, since NCMEC's Google line covers both), the platform ids of the NCMEC lines they
-- are matched with (`ncmec_ids`), the years it applies and whether the two sides cover the same
-- services (`like_for_like`). A platform without a rule is compared with the NCMEC lines of its
-- own id. Every line used is listed, with its value as published, where it was read and the
-- document its number links to: `disclosure_parts` / `disclosure_lines` and `ncmec_parts` /
-- `ncmec_lines`. `disclosed_url` / `counted_url` (and their labels) are a side's document when
-- all its lines name the same one (a year summed from two half-year reports has two: then
-- none, and the release is shown).
--
-- A disclosure counts only when one source, label and period length covers all twelve
-- months (two half-years, four quarters...); where several do, the publisher's own file wins,
-- then the longest periods. A rule needs a full-year disclosure from every platform it names.
--
-- Rows that overlap (they share an NCMEC line or a disclosure: Amazon and Twitch, Aylo and
-- Pornhub) stand for one comparison: the like-for-like row with the most NCMEC lines stands in
-- for all of them (`counted_in_total`); the others are kept, with `covered_by` naming that row.
-- A row whose sides do not cover the same services is never counted. `not_counted_reason`:
-- 'in_other_row' or 'not_like_for_like'. `diaphanous_counted` is the NCMEC side as the
-- Diaphanous compilation reports it for the same NCMEC ids, as a cross-check.
WITH lines AS (
    SELECT s.source_id, s.release_kind, s.platform_id, s.platform_label, s.metric_label,
           year(s.period_start) AS year,
           date_diff('month', s.period_start, s.period_end) + 1 AS months,
           s.period_start, s.period_end, s.value, s.value_as_published, s.locator, s.release_id,
           coalesce(s.source_url, '') AS url, s.doc_number_url, s.doc_url, s.doc_label, s.doc_text,
           -- published as rounded ('rounded to 0.1M') or as an approximate value: a sum of it is 'about'
           (s.qualifier = 'approx' OR regexp_matches(coalesce(s.note, ''), '\brounded\b')) AS rounded
    FROM series AS s
    WHERE s.metric_id = 'ncmec_reports_disclosed' AND s.value IS NOT NULL AND s.platform_id IS NOT NULL
      AND year(s.period_start) = year(s.period_end) AND NOT s.conflict
),
full_years AS (
    SELECT source_id, release_kind, platform_id, platform_label, metric_label, year, months,
           sum(value) AS value,
           list({'platform_id': platform_id, 'label': platform_label, 'source_id': source_id,
                 'period_start': period_start, 'period_end': period_end, 'value': value,
                 'value_as_published': value_as_published, 'locator': locator, 'release_id': release_id,
                 'url': url, 'doc_number_url': doc_number_url, 'doc_link': doc_url, 'doc_label': doc_label,
                 'doc_text': doc_text, 'rounded': rounded} ORDER BY period_start) AS parts
    FROM lines
    GROUP BY ALL
    HAVING sum(months) = 12 AND count(DISTINCT period_start) = count(*)
),
disclosed AS (
    SELECT *
    FROM full_years
    QUALIFY row_number() OVER (PARTITION BY platform_id, year
                               ORDER BY release_kind = 'raw' DESC, source_id, months DESC, metric_label, platform_label) = 1
),
rules AS (
    SELECT platform_id,
           string_split(disclosure_platform_ids, ';') AS disclosure_ids,
           string_split(ncmec_platform_ids, ';') AS ncmec_ids,
           TRY_CAST(first_year AS INTEGER) AS first_year,
           TRY_CAST(last_year AS INTEGER) AS last_year,
           like_for_like = 'true' AS like_for_like,
           note, source
    FROM tax_ncmec_matching
),
comparisons AS (
    SELECT r.platform_id, y.year, r.disclosure_ids, r.ncmec_ids, r.like_for_like, true AS by_rule,
           r.note AS matching_note, r.source AS matching_source
    FROM rules AS r
    JOIN (SELECT DISTINCT year FROM disclosed) AS y
      ON y.year >= r.first_year AND (r.last_year IS NULL OR y.year <= r.last_year)
    UNION ALL
    SELECT platform_id, year, [platform_id], [platform_id], true, false, NULL, NULL
    FROM disclosed
    WHERE platform_id NOT IN (SELECT platform_id FROM rules)
),
disclosure_side AS (
    SELECT c.platform_id, c.year, sum(d.value) AS disclosed,
           flatten(list(d.parts ORDER BY d.platform_id <> c.platform_id, d.platform_id)) AS disclosure_parts
    FROM comparisons AS c
    JOIN disclosed AS d ON d.year = c.year AND list_contains(c.disclosure_ids, d.platform_id)
    GROUP BY c.platform_id, c.year, c.disclosure_ids
    HAVING count(*) = len(c.disclosure_ids)
),
ncmec_side AS (
    SELECT c.platform_id, c.year, sum(n.value) AS counted, bool_or(n.combined) AS combined,
           flatten(list(n.parts ORDER BY n.platform_id <> c.platform_id, n.platform_id)) AS ncmec_parts
    FROM comparisons AS c
    JOIN ncmec_platform_year AS n ON year(n.period_start) = c.year AND list_contains(c.ncmec_ids, n.platform_id)
    GROUP BY c.platform_id, c.year
),
diaphanous_view AS (
    -- the NCMEC side as the Diaphanous compilation matched it, for cross-checking: summed
    -- within one release (its "[part N]" lines), from the raw file where it has the year,
    -- never added up across the raw file and a curated copy of the same table
    SELECT platform_id, year, value
    FROM (
        SELECT platform_id, year(period_start) AS year, release_kind, release_id, sum(value) AS value
        FROM series
        WHERE source_id = 'diaphanous' AND metric_id = 'ncmec_reports_received'
          AND (value IS NOT NULL OR value_status = 'not_numeric')
        GROUP BY ALL
        -- a part that is not a number as published cannot be summed
        HAVING count(*) FILTER (WHERE value_status = 'not_numeric') = 0
    )
    QUALIFY row_number() OVER (PARTITION BY platform_id, year ORDER BY release_kind = 'raw' DESC, release_id) = 1
),
diaphanous_side AS (
    SELECT c.platform_id, c.year, sum(v.value) AS diaphanous_counted
    FROM comparisons AS c
    JOIN diaphanous_view AS v ON v.year = c.year AND list_contains(c.ncmec_ids, v.platform_id)
    GROUP BY c.platform_id, c.year
),
joined AS (
    SELECT c.*, ds.disclosed, ds.disclosure_parts, ns.counted, ns.combined, ns.ncmec_parts, dv.diaphanous_counted
    FROM comparisons AS c
    JOIN disclosure_side AS ds USING (platform_id, year)
    JOIN ncmec_side AS ns USING (platform_id, year)
    LEFT JOIN diaphanous_side AS dv USING (platform_id, year)
),
stand_in AS (
    -- for each row, the row that stands in the count for it and every row it overlaps
    SELECT a.platform_id, a.year, b.platform_id AS stand_in
    FROM joined AS a
    JOIN joined AS b
      ON b.year = a.year
     AND (list_has_any(a.ncmec_ids, b.ncmec_ids) OR list_has_any(a.disclosure_ids, b.disclosure_ids))
    QUALIFY row_number() OVER (PARTITION BY a.platform_id, a.year
                               ORDER BY b.like_for_like DESC, len(b.ncmec_ids) DESC, len(b.disclosure_ids) DESC,
                                        b.platform_id) = 1
)
SELECT
    j.platform_id,
    j.year,
    j.disclosure_ids,
    j.ncmec_ids,
    j.by_rule,
    j.like_for_like,
    j.matching_note,
    j.matching_source,
    j.disclosed,
    j.counted,
    j.disclosed - j.counted AS difference,
    j.disclosed / nullif(j.counted, 0) AS ratio,
    s.stand_in = j.platform_id AND j.like_for_like AS counted_in_total,
    CASE WHEN s.stand_in <> j.platform_id THEN s.stand_in END AS covered_by,
    CASE WHEN NOT j.like_for_like THEN 'not_like_for_like'
         WHEN s.stand_in <> j.platform_id THEN 'in_other_row' END AS not_counted_reason,
    j.disclosure_parts,
    array_to_string(list_transform(j.disclosure_parts, lambda p: p.label || ' ' || strftime(p.period_start, '%Y-%m')
                                   || ' to ' || strftime(p.period_end, '%Y-%m') || ': ' || p.value_as_published), '; ')
        AS disclosure_lines,
    array_to_string(list_transform(j.disclosure_parts, lambda p: p.locator), '; ') AS disclosed_locator,
    j.disclosure_parts[1].release_id AS disclosed_release_id,
    CASE WHEN len(list_distinct(list_transform(j.disclosure_parts, lambda p: coalesce(p.doc_number_url, '')))) = 1
         THEN j.disclosure_parts[1].doc_number_url END AS disclosed_url,
    CASE WHEN len(list_distinct(list_transform(j.disclosure_parts, lambda p: coalesce(p.doc_number_url, '')))) = 1
         THEN j.disclosure_parts[1].doc_label END AS disclosed_label,
    list_distinct(list_transform(j.disclosure_parts, lambda p: p.source_id)) AS disclosure_source_ids,
    j.ncmec_parts,
    array_to_string(list_transform(j.ncmec_parts, lambda p: p.label || ': ' || p.value_as_published), '; ')
        AS ncmec_lines,
    array_to_string(list_transform(j.ncmec_parts, lambda p: p.locator), '; ') AS counted_locator,
    j.ncmec_parts[1].release_id AS counted_release_id,
    CASE WHEN len(list_distinct(list_transform(j.ncmec_parts, lambda p: coalesce(p.doc_number_url, '')))) = 1
         THEN j.ncmec_parts[1].doc_number_url END AS counted_url,
    CASE WHEN len(list_distinct(list_transform(j.ncmec_parts, lambda p: coalesce(p.doc_number_url, '')))) = 1
         THEN j.ncmec_parts[1].doc_label END AS counted_label,
    j.combined AS ncmec_combined,
    j.diaphanous_counted
FROM joined AS j
JOIN stand_in AS s USING (platform_id, year)
