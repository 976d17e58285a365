-- data/taxonomy/ncmec_matching.csv: every rule names known platform ids on both sides, a
-- first year (and a last year not before it), like_for_like true or false, a note and its
-- source; one platform has at most one rule per year; a platform whose disclosure a rule adds
-- to another's has no NCMEC line of its own in those years (it would be compared twice); and in
-- the reconciliation mart no two counted rows overlap, and a row counted in another row's place
-- has all its NCMEC lines in that row (matching rules must leave one row to count).
WITH rules AS (
    SELECT obs_file, platform_id, TRY_CAST(first_year AS INTEGER) AS first_year,
           TRY_CAST(last_year AS INTEGER) AS last_year, like_for_like, note, source,
           string_split(disclosure_platform_ids, ';') AS disclosure_ids,
           string_split(ncmec_platform_ids, ';') AS ncmec_ids,
           first_year AS first_text, last_year AS last_text, row_number() OVER (ORDER BY platform_id, first_year, last_year, disclosure_platform_ids,
                                              ncmec_platform_ids, like_for_like, note, source) AS rn
    FROM tax_ncmec_matching
)
SELECT obs_file AS file, platform_id AS locator, 'unknown platform id ''' || id || '''' AS problem
FROM (SELECT obs_file, platform_id, unnest(disclosure_ids || ncmec_ids || [platform_id]) AS id FROM rules)
WHERE id IS NULL OR id NOT IN (SELECT platform_id FROM tax_platforms)
UNION ALL
SELECT obs_file, platform_id, 'first_year ''' || coalesce(first_text, '') || ''' is not a year'
FROM rules WHERE first_year IS NULL
UNION ALL
SELECT obs_file, platform_id, 'last_year ''' || last_text || ''' is not a year on or after first_year'
FROM rules WHERE last_text IS NOT NULL AND (last_year IS NULL OR last_year < first_year)
UNION ALL
SELECT obs_file, platform_id, 'like_for_like must be true or false, not ''' || coalesce(like_for_like, '') || ''''
FROM rules WHERE like_for_like IS NULL OR like_for_like NOT IN ('true', 'false')
UNION ALL
SELECT obs_file, platform_id, 'a rule needs a note (what is added up, for readers) and its source'
FROM rules WHERE coalesce(trim(note), '') = '' OR coalesce(trim(source), '') = ''
UNION ALL
SELECT a.obs_file, a.platform_id, 'two rules for the same platform cover the same years'
FROM rules AS a JOIN rules AS b
  ON a.platform_id = b.platform_id AND a.rn < b.rn
 AND a.first_year <= coalesce(b.last_year, 9999) AND b.first_year <= coalesce(a.last_year, 9999)
UNION ALL
SELECT r.obs_file, r.platform_id,
       'adds the disclosure of ''' || n.platform_id || ''', which has its own NCMEC line in ' || year(n.period_start)
FROM (SELECT *, unnest(list_filter(disclosure_ids, lambda d: NOT list_contains(ncmec_ids, d))) AS added FROM rules) AS r
JOIN ncmec_platform_year AS n
  ON n.platform_id = r.added AND year(n.period_start) >= r.first_year
 AND (r.last_year IS NULL OR year(n.period_start) <= r.last_year)
UNION ALL
SELECT 'data/taxonomy/ncmec_matching.csv', a.platform_id || ' ' || a.year,
       'counted rows overlap: ' || a.platform_id || ' and ' || b.platform_id || ' share an NCMEC line or a disclosure'
FROM reconciliation AS a JOIN reconciliation AS b
  ON a.year = b.year AND a.platform_id < b.platform_id AND a.counted_in_total AND b.counted_in_total
 AND (list_has_any(a.ncmec_ids, b.ncmec_ids) OR list_has_any(a.disclosure_ids, b.disclosure_ids))
UNION ALL
SELECT 'data/taxonomy/ncmec_matching.csv', r.platform_id || ' ' || r.year,
       'counted within ' || r.covered_by || ', whose NCMEC lines do not include all of its own'
FROM reconciliation AS r JOIN reconciliation AS s ON s.platform_id = r.covered_by AND s.year = r.year
WHERE r.like_for_like AND NOT list_has_all(s.ncmec_ids, r.ncmec_ids)
