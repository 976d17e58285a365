-- Annotations have a date, a known kind, a link to their source and only known source,
-- platform and policy area ids ('*' = all).
WITH a AS (
    -- i only joins a problem to its annotation (in a total order, so a report is the same
    -- every run); the locator names the annotation by its date and label
    SELECT row_number() OVER (ORDER BY obs_file, date, label, text, kind, source_url, sources, platforms,
                                       policy_areas) AS i, * FROM annotations
),
ids AS (
    SELECT i, 'source' AS what, unnest(sources) AS id FROM a
    UNION ALL SELECT i, 'platform', unnest(platforms) FROM a
    UNION ALL SELECT i, 'policy area', unnest(policy_areas) FROM a
),
problems AS (
    SELECT i, CASE
        WHEN date IS NULL THEN 'unreadable date; expected YYYY-MM-DD'
        WHEN kind NOT IN ('policy_change', 'methodology_change', 'data_issue', 'reporting_break')
            THEN 'unknown kind ''' || kind || '''; expected policy_change, methodology_change, data_issue or reporting_break'
        WHEN NOT regexp_matches(coalesce(source_field, ''), '^https?://') THEN 'source_url is not an http or https URL'
        WHEN coalesce(date_precision, '') NOT IN ('day', 'month', 'quarter', 'half', 'year')
            THEN 'unknown date_precision ''' || coalesce(date_precision, '') || '''; expected day, month, quarter, half or year'
        WHEN coalesce(label, '') = '' OR coalesce(text, '') = '' THEN 'empty label or text'
    END AS problem
    FROM a
    UNION ALL
    SELECT i, 'unknown ' || what || ' id ''' || id || '''' FROM ids
    WHERE id <> '*' AND NOT (
           (what = 'source' AND id IN (SELECT source_id FROM sources))
        OR (what = 'platform' AND id IN (SELECT platform_id FROM platforms))
        OR (what = 'policy area' AND id IN (SELECT policy_area FROM policy_areas)))
)
SELECT a.obs_file AS file,
       'annotation ' || coalesce(CAST(a.date AS VARCHAR), 'with an unreadable date') || ': ' || coalesce(a.label, '')
       AS locator, p.problem
FROM problems AS p JOIN a USING (i)
WHERE p.problem IS NOT NULL
