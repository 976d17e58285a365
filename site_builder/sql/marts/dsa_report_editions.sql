-- One row per harmonised DSA report held (release), with the dates its table 1 gives
-- (raw_report_identification: "Date of the publication of the report" and "... of the
-- latest previous report", with the file and lines they were read from) and what this site
-- holds of the reports around it:
-- * previous_held: whether the site holds a report of the same service published on the
--   date table 1 gives for the latest previous report (NULL when table 1 gives no date);
--   previous_release_id: that report (of several versions of it, the latest read);
-- * reissue_of: the release this one re-issues, that is the release of the same service and
--   period immediately before it, ordered by publication date and then release id (a
--   correction under the same publication date has the id of the first version with
--   '-retrieved-<date>' added, which sorts after it). NULL for a first version.
-- `sentence` says only what the data shows, with dates as table 1 gives them (to the day).
WITH ids AS (
    SELECT i.release_id, i.provider, i.service,
           (SELECT min(pl.platform_id) FROM tax_platform_labels AS pl WHERE pl.label = i.service) AS platform_id,
           TRY_CAST(i.period_start AS DATE) AS period_start, TRY_CAST(i.period_end AS DATE) AS period_end,
           TRY_CAST(i.published AS DATE) AS published,
           TRY_CAST(nullif(i.previous_published, '') AS DATE) AS previous_published,
           i.file, TRY_CAST(nullif(i.published_line, '') AS INTEGER) AS published_line,
           TRY_CAST(nullif(i.previous_line, '') AS INTEGER) AS previous_line
    FROM raw_report_identification AS i
),
dated AS (
    SELECT ids.*,
           strftime(period_start, '%Y')
           || CASE WHEN month(period_start) = 1 AND month(period_end) = 6 AND year(period_end) = year(period_start) THEN 'H1'
                   WHEN month(period_start) = 7 AND month(period_end) = 12 AND year(period_end) = year(period_start) THEN 'H2'
                   WHEN month(period_start) = 1 AND month(period_end) = 12 AND year(period_end) = year(period_start) THEN ''
                   ELSE '-' || strftime(period_end, '%Y-%m') END AS period,
           CASE WHEN year(period_start) = year(period_end)
                THEN strftime(period_start, '%B') || ' to ' || strftime(period_end, '%B %Y')
                ELSE strftime(period_start, '%B %Y') || ' to ' || strftime(period_end, '%B %Y') END AS period_words,
           lag(release_id) OVER (PARTITION BY platform_id, period_start, period_end
                                 ORDER BY published, release_id) AS reissue_of,
           lag(published) OVER (PARTITION BY platform_id, period_start, period_end
                                ORDER BY published, release_id) AS reissue_of_published,
           min(published) OVER (PARTITION BY platform_id) AS first_published
    FROM ids
),
editions AS (
    SELECT d.*,
           CASE WHEN d.previous_published IS NULL THEN NULL ELSE p.release_id IS NOT NULL END AS previous_held,
           p.release_id AS previous_release_id,
           p.period_words AS previous_period_words
    FROM dated AS d
    LEFT JOIN LATERAL (
        SELECT o.release_id, o.period_words FROM dated AS o
        WHERE o.platform_id = d.platform_id AND o.published = d.previous_published AND o.release_id <> d.release_id
        ORDER BY o.release_id DESC LIMIT 1
    ) AS p ON true
)
SELECT release_id, platform_id, provider, service, period_start, period_end, period, period_words, published,
       previous_published, previous_held, previous_release_id, reissue_of, file, published_line, previous_line,
       'The report for ' || period_words || ', published ' || strftime(published, '%-d %B %Y') || ': '
       || CASE WHEN previous_published IS NULL THEN 'its table 1 gives no date for a previous report.'
            ELSE 'its table 1 gives ' || strftime(previous_published, '%-d %B %Y')
                 || ' as the date of the latest previous report; this site holds '
                 || CASE WHEN previous_held
                         THEN 'the DSA transparency report of ' || service || ' published that day, for ' || previous_period_words || '.'
                         ELSE 'no DSA transparency report of ' || service || ' published that day'
                              || CASE WHEN previous_published < first_published
                                      THEN ' (it predates the earliest report of ' || service
                                           || ' in the harmonised template that this site holds)' ELSE '' END || '.'
                    END
       END
       || CASE WHEN reissue_of IS NULL THEN ''
               WHEN reissue_of_published = published
               THEN ' This site also holds an earlier version of this report under the same publication date.'
               ELSE ' This site also holds an earlier report of ' || service || ' for ' || period_words
                    || ', published ' || strftime(reissue_of_published, '%-d %B %Y') || '.'
          END AS sentence
FROM editions
