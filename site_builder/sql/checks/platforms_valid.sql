-- data/taxonomy/platforms.csv: every id once; a kind of platform, company, clearinghouse or
-- aggregate; `major` yes or no, and yes only for a platform or a company (NCMEC, a
-- clearinghouse, is a source, and an aggregate of several platforms has no page).
SELECT obs_file AS file, 'line ' || line || ' (' || coalesce(platform_id, '') || ')' AS locator,
       'major is ''' || coalesce(major, '') || '''; expected yes or no' AS problem
FROM tax_platforms WHERE major IS NULL OR major NOT IN ('yes', 'no')
UNION ALL
SELECT obs_file, 'line ' || line || ' (' || coalesce(platform_id, '') || ')',
       'kind is ''' || coalesce(kind, '') || '''; expected platform, company, clearinghouse or aggregate'
FROM tax_platforms WHERE kind IS NULL OR kind NOT IN ('platform', 'company', 'clearinghouse', 'aggregate')
UNION ALL
SELECT obs_file, 'line ' || line || ' (' || platform_id || ')',
       'major is yes for a ' || kind || '; expected no (only a platform or a company has a page in the sidebar)'
FROM tax_platforms WHERE major = 'yes' AND kind IN ('clearinghouse', 'aggregate')
UNION ALL
SELECT t.obs_file, 'line ' || t.line || ' (' || t.platform_id || ')',
       'platform id also on line ' || d.first_line || '; expected each id once'
FROM tax_platforms AS t
JOIN (SELECT platform_id, min(line) AS first_line FROM tax_platforms GROUP BY platform_id HAVING count(*) > 1) AS d
  ON d.platform_id = t.platform_id AND t.line > d.first_line
