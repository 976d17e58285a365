-- Reconciliation rows (mart reconciliation) with platform names, for the given platform ids
-- (NULL = all): the rows about those platforms, the rows whose disclosures or NCMEC lines
-- include them (YouTube's figure is compared within Google's row) and the rows those overlap
-- in the same year (Twitch's rows come with Amazon's, Aylo's with Pornhub's), so that a row
-- marked "counted in another row" is shown with that row. `covered_by_name` names it.
WITH picked AS (
    SELECT r.*
    FROM reconciliation AS r
    WHERE $platforms IS NULL
       OR list_has_any(CAST($platforms AS VARCHAR[]), list_distinct(r.disclosure_ids || r.ncmec_ids || [r.platform_id]))
),
shown AS (
    SELECT * FROM picked
    UNION
    SELECT r.*
    FROM reconciliation AS r
    JOIN picked AS p
      ON p.year = r.year
     AND (list_has_any(p.ncmec_ids, r.ncmec_ids) OR list_has_any(p.disclosure_ids, r.disclosure_ids))
)
SELECT s.*, p.name AS platform_name, c.name AS covered_by_name
FROM shown AS s
JOIN platforms AS p USING (platform_id)
LEFT JOIN platforms AS c ON c.platform_id = s.covered_by
ORDER BY p.name, s.year, s.platform_id
