-- One row per platform (or company) and calendar year for which its own disclosures cover
-- the whole year and NCMEC publishes a count for it: the CyberTipline reports the platform
-- says it sent, the reports NCMEC says it received from the matching provider lines, the
-- difference and the ratio. Quarterly or half-yearly disclosures are summed per year only
-- when they come from one source and label and cover all twelve months. A company-wide
-- disclosure (Meta, all apps) is matched with the NCMEC lines listed for it in
-- data/taxonomy/ncmec_matching.csv. Where several disclosures exist for one year, the
-- publisher's own file wins. `diaphanous_counted` is the NCMEC side as Diaphanous matched it.
WITH disclosed AS (
    SELECT
        s.source_id, s.release_kind, s.platform_id, s.platform_label, s.metric_label,
        year(s.period_start) AS year,
        sum(s.value) AS disclosed,
        sum(date_diff('month', s.period_start, s.period_end) + 1) AS months,
        string_agg(s.value_as_published || ' (' || strftime(s.period_start, '%Y-%m') || ' to '
                   || strftime(s.period_end, '%Y-%m') || ')', '; ' ORDER BY s.period_start, s.period_end, s.locator) AS disclosed_lines,
        string_agg(s.locator, '; ' ORDER BY s.period_start, s.period_end, s.locator) AS disclosed_locator,
        min(s.release_id) AS disclosed_release_id,
        min(coalesce(s.source_url, '')) AS disclosed_source_url,
        -- the disclosures' document when they all name the same one (a year summed from two
        -- half-year reports has two: then none, and the release is shown)
        CASE WHEN count(DISTINCT coalesce(s.doc_number_url, '')) = 1 THEN min(s.doc_number_url) END AS disclosed_url,
        CASE WHEN count(DISTINCT coalesce(s.doc_number_url, '')) = 1 THEN min(s.doc_label) END AS disclosed_label
    FROM series AS s
    WHERE s.metric_id = 'ncmec_reports_disclosed' AND s.value IS NOT NULL AND s.platform_id IS NOT NULL
      AND year(s.period_start) = year(s.period_end)
    GROUP BY ALL
    HAVING sum(date_diff('month', s.period_start, s.period_end) + 1) = 12
),
matching AS (
    -- which NCMEC provider lines a disclosure covers: data/taxonomy/ncmec_matching.csv,
    -- otherwise the lines of the same platform id
    SELECT platform_id, unnest(string_split(ncmec_platform_ids, ';')) AS ncmec_platform_id, note
    FROM tax_ncmec_matching
),
counted AS (
    SELECT d.platform_id, d.year,
           sum(n.value) AS value,
           string_agg(n.lines, '; ' ORDER BY n.platform_id) AS lines,
           string_agg(n.locator, '; ' ORDER BY n.platform_id) AS locator,
           min(n.release_id) AS release_id,
           CASE WHEN count(DISTINCT coalesce(n.doc_number_url, '')) = 1 THEN min(n.doc_number_url) END AS source_url,
           CASE WHEN count(DISTINCT coalesce(n.doc_number_url, '')) = 1 THEN min(n.doc_label) END AS counted_label,
           min(m.note) AS matching_note
    FROM (SELECT DISTINCT platform_id, year FROM disclosed) AS d
    LEFT JOIN matching AS m ON m.platform_id = d.platform_id
    JOIN ncmec_platform_year AS n
      ON n.platform_id = coalesce(m.ncmec_platform_id, d.platform_id) AND year(n.period_start) = d.year
    GROUP BY d.platform_id, d.year
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
)
SELECT
    d.*,
    c.value AS counted,
    c.lines AS counted_lines,
    c.locator AS counted_locator,
    c.release_id AS counted_release_id,
    c.source_url AS counted_url,
    c.counted_label,
    c.matching_note,
    dv.value AS diaphanous_counted,
    d.disclosed - c.value AS difference,
    d.disclosed / nullif(c.value, 0) AS ratio
FROM disclosed AS d
JOIN counted AS c ON c.platform_id = d.platform_id AND c.year = d.year
LEFT JOIN diaphanous_view AS dv ON dv.platform_id = d.platform_id AND dv.year = d.year
QUALIFY row_number() OVER (PARTITION BY d.platform_id, d.year
                           ORDER BY d.release_kind = 'raw' DESC, d.source_id, d.metric_label, d.platform_label) = 1
