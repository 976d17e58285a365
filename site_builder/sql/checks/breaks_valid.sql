-- Comparability breaks (data/taxonomy/breaks.csv) have a unique id, a readable date, a
-- caveat to write into every sentence that compares across them, a link to their source,
-- and only known source, platform and policy area ids ('*' = all).
WITH b AS (
    SELECT row_number() OVER (ORDER BY break_id, date) + 1 AS line, * FROM tax_breaks
),
ids AS (
    SELECT line, break_id, 'source' AS what, unnest(string_split(sources, ';')) AS id FROM b
    UNION ALL SELECT line, break_id, 'platform', unnest(string_split(platforms, ';')) FROM b
    UNION ALL SELECT line, break_id, 'policy area', unnest(string_split(policy_areas, ';')) FROM b
),
problems AS (
    SELECT break_id, CASE
        WHEN TRY_CAST(date AS DATE) IS NULL THEN 'unreadable date ''' || coalesce(date, '') || '''; expected YYYY-MM-DD'
        WHEN until IS NOT NULL AND (TRY_CAST(until AS DATE) IS NULL OR TRY_CAST(until AS DATE) < TRY_CAST(date AS DATE))
            THEN 'unreadable until date ''' || until || '''; expected YYYY-MM-DD on or after date'
        WHEN coalesce(caveat, '') = '' OR coalesce(label, '') = '' THEN 'empty label or caveat'
        WHEN NOT regexp_matches(coalesce(source_url, ''), '^https?://') THEN 'source_url is not an http or https URL'
        WHEN count(*) OVER (PARTITION BY break_id) > 1 THEN 'break_id ''' || break_id || ''' is not unique'
    END AS problem
    FROM b
    UNION ALL
    SELECT break_id, 'unknown ' || what || ' id ''' || id || '''' FROM ids
    WHERE id <> '*' AND NOT (
           (what = 'source' AND id IN (SELECT source_id FROM sources))
        OR (what = 'platform' AND id IN (SELECT platform_id FROM platforms))
        OR (what = 'policy area' AND id IN (SELECT policy_area FROM policy_areas)))
)
SELECT 'data/taxonomy/breaks.csv' AS file, 'break ' || break_id AS locator, problem
FROM problems
WHERE problem IS NOT NULL
