-- One row per source: whether this site could check its published figures for revisions,
-- from the releases table. A source can be checked only when the site holds two or more full
-- editions of it (raw releases that republish the whole history, snapshot 'full') and two
-- consecutive ones overlap in periods (mart edition_pairs pairs them; revisions compares
-- them). For the others, what the site holds instead: editions that each publish their own
-- periods (snapshot 'single': how many periods appear in more than one of them), or only
-- curated transcriptions (snapshot 'partial').
WITH rel AS (
    SELECT r.source_id, r.release_id, r.edition, r.edition_end, r.kind, r.snapshot,
           min(o.period_start) AS first_start, max(o.period_end) AS last_end
    FROM releases AS r
    LEFT JOIN stg_observations AS o USING (release_id)
    GROUP BY r.source_id, r.release_id, r.edition, r.edition_end, r.kind, r.snapshot
),
pairs AS (
    SELECT e.source_id, count(*) AS pairs,
           count(*) FILTER (WHERE a.last_end >= b.first_start AND b.last_end >= a.first_start) AS overlapping_pairs
    FROM edition_pairs AS e
    JOIN rel AS a ON a.release_id = e.prev_release_id
    JOIN rel AS b ON b.release_id = e.release_id
    GROUP BY e.source_id
),
single_periods AS (  -- periods published in more than one 'single' edition of the same source
    SELECT source_id, count(*) AS repeated_periods
    FROM (SELECT o.source_id, o.period_start, o.period_end
          FROM stg_observations AS o JOIN rel AS r USING (release_id)
          WHERE r.kind = 'raw' AND r.snapshot = 'single'
          GROUP BY o.source_id, o.period_start, o.period_end
          HAVING count(DISTINCT r.edition) > 1)
    GROUP BY source_id
),
changed AS (
    SELECT source_id, count(*) AS changes FROM revisions GROUP BY source_id
)
SELECT
    s.source_id,
    s.short,
    s.publisher,
    s.title,
    count(r.release_id) AS releases,
    count(r.release_id) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'full') AS full_editions,
    arg_min(r.edition, (r.edition_end, r.release_id)) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'full') AS first_full,
    arg_max(r.edition, (r.edition_end, r.release_id)) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'full') AS last_full,
    count(DISTINCT r.edition) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'single') AS single_editions,
    count(r.release_id) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'single') AS single_files,
    arg_min(r.edition, (r.edition_end, r.release_id)) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'single') AS first_single,
    arg_max(r.edition, (r.edition_end, r.release_id)) FILTER (WHERE r.kind = 'raw' AND r.snapshot = 'single') AS last_single,
    count(r.release_id) FILTER (WHERE r.kind = 'curated') AS curated,
    coalesce(max(p.pairs), 0) AS pairs,
    coalesce(max(p.overlapping_pairs), 0) AS overlapping_pairs,
    coalesce(max(sp.repeated_periods), 0) AS repeated_periods,
    coalesce(max(c.changes), 0) AS changes
FROM sources AS s
LEFT JOIN rel AS r USING (source_id)
LEFT JOIN pairs AS p USING (source_id)
LEFT JOIN single_periods AS sp USING (source_id)
LEFT JOIN changed AS c USING (source_id)
GROUP BY s.source_id, s.short, s.publisher, s.title
ORDER BY (coalesce(max(p.overlapping_pairs), 0) > 0) DESC, s.short, s.source_id
