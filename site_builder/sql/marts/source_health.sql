-- One row per source of the catalog: what the fetch log (stg_fetches) says of it, as of the
-- newest fetch in the log (`as_of`; never the day of the build, so the same data gives the
-- same page on any day). `by_hand`: the catalog does not fetch it (fetch method none; its
-- reason in `not_fetched_why`); `platforms`: the platforms the catalog says it covers.
--   fetches, first_fetch_at, last_fetch_at   how often and when it was fetched (0 and NULL:
--                                            never fetched)
--   last_success_at                          its latest fetch that did not fail
--   last_change_at, last_change_outcome      its latest new or changed file
--   overdue, due_by                          no new or changed file for more than the
--                                            cadence's overdue_after_days (data/taxonomy/cadences.csv)
--                                            since the later of its last change and the end of
--                                            the newest edition held (`clock_from`; with neither,
--                                            its first fetch); NULL when that cannot be said: never
--                                            fetched, transcribed by hand, or no regular schedule
--   stale_since, stale_reason, failed_nights a source whose latest night of fetching failed:
--                                            the first failed night after its last night without
--                                            a failure, and the reason of its latest failure.
--                                            A night is the UTC date of `fetched_at`; it failed
--                                            when any fetch of the source failed that night.
WITH f AS (
    SELECT *, CAST(fetched_at AS DATE) AS night FROM stg_fetches WHERE fetched_at IS NOT NULL AND succeeded IS NOT NULL
),
as_of AS (
    SELECT max(fetched_at) AS as_of FROM f
),
per_source AS (
    SELECT
        source_id,
        count(*) AS fetches,
        min(fetched_at) AS first_fetch_at,
        max(fetched_at) AS last_fetch_at,
        max(fetched_at) FILTER (WHERE succeeded) AS last_success_at,
        max(fetched_at) FILTER (WHERE outcome IN ('new', 'changed')) AS last_change_at,
        arg_max(outcome, (fetched_at, line)) FILTER (WHERE outcome IN ('new', 'changed')) AS last_change_outcome
    FROM f
    GROUP BY source_id
),
nights AS (
    SELECT source_id, night, bool_and(succeeded) AS ok FROM f GROUP BY source_id, night
),
last_ok AS (
    SELECT source_id, max(night) AS night FROM nights WHERE ok GROUP BY source_id
),
stale AS (
    SELECT n.source_id, min(n.night) AS stale_since, count(*) AS failed_nights
    FROM nights AS n
    LEFT JOIN last_ok AS l USING (source_id)
    WHERE NOT n.ok AND (l.night IS NULL OR n.night > l.night)
    GROUP BY n.source_id
),
reasons AS (
    SELECT source_id, arg_max(reason, (fetched_at, line)) AS stale_reason FROM f WHERE NOT succeeded GROUP BY source_id
),
newest AS (
    SELECT source_id, max(edition_end) AS newest_edition_end,
           arg_max(edition, (edition_end, release_id)) AS newest_edition
    FROM releases GROUP BY source_id
),
base AS (
    -- the day the clock of the cadence starts: the later of the last new or changed file and
    -- the end of the newest edition held (so a source fetched for the first time long after
    -- its last edition is overdue at once); with neither, the first fetch
    SELECT p.source_id,
           CASE WHEN p.last_change_at IS NULL AND n.newest_edition_end IS NULL THEN CAST(p.first_fetch_at AS DATE)
                ELSE greatest(CAST(p.last_change_at AS DATE), n.newest_edition_end) END AS clock_from
    FROM per_source AS p LEFT JOIN newest AS n USING (source_id)
)
SELECT
    s.source_id,
    s.short,
    s.publisher,
    s.title,
    s.cadence,
    w.by_hand,
    w.not_fetched_why,
    w.platforms,
    c.every_days,
    c.overdue_after_days,
    coalesce(c.in_words, '') AS cadence_in_words,
    coalesce(p.fetches, 0) AS fetches,
    p.first_fetch_at,
    p.last_fetch_at,
    p.last_success_at,
    p.last_change_at,
    p.last_change_outcome,
    a.as_of,
    n.newest_edition,
    n.newest_edition_end,
    b.clock_from,
    CASE WHEN p.fetches IS NULL OR c.overdue_after_days IS NULL THEN NULL
         ELSE date_diff('day', b.clock_from, CAST(a.as_of AS DATE)) > c.overdue_after_days END AS overdue,
    CASE WHEN p.fetches IS NOT NULL AND c.overdue_after_days IS NOT NULL
         THEN b.clock_from + c.overdue_after_days END AS due_by,
    st.stale_since,
    CASE WHEN st.stale_since IS NOT NULL THEN r.stale_reason END AS stale_reason,
    coalesce(st.failed_nights, 0) AS failed_nights
FROM sources AS s
JOIN source_watch AS w USING (source_id)
LEFT JOIN cadences AS c ON c.cadence = s.cadence
LEFT JOIN per_source AS p USING (source_id)
LEFT JOIN stale AS st USING (source_id)
LEFT JOIN reasons AS r USING (source_id)
LEFT JOIN newest AS n USING (source_id)
LEFT JOIN base AS b USING (source_id)
CROSS JOIN as_of AS a
