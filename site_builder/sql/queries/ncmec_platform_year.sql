-- NCMEC report counts per platform and year (mart ncmec_platform_year) for the given
-- platform ids, with the platform's name and the document the lines were read from.
SELECT
    n.platform_id,
    p.name AS platform_name,
    n.period_start,
    n.period_end,
    n.value,
    'reported' AS value_status,
    n.n_lines,
    n.lines,
    n.combined,
    n.locator,
    n.release_id,
    n.doc_number_url AS doc_url,
    n.doc_label,
    n.doc_text,
    coalesce(n.source_title, r.title) AS doc_title
FROM ncmec_platform_year AS n
JOIN platforms AS p USING (platform_id)
JOIN releases AS r USING (release_id)
WHERE list_contains(CAST($platforms AS VARCHAR[]), n.platform_id)
ORDER BY p.name, n.period_start
