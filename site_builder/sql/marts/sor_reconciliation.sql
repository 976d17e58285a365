-- One row per row of a harmonised DSA report's table 4 (mart dsa_notice_rows: the TOTAL row,
-- or a category or keyword row) that a subject of data/taxonomy/sor_subjects.csv is
-- reconciled with, in the latest version of each report (a re-issue replaces the report it
-- corrects; a keyword given twice is taken once): the report's actions on notices for that row
-- and half-year next to the platform's statements of reasons (SoRs) of the same subject counted
-- from the DSA database's daily dumps (mart sor_figures, source dsa_sor) for the months of
-- that half-year.
-- `months` is the number of months of the report's period; `months_held` how many of them the
-- site holds a SoR count of that subject for, `months_complete` how many of those were counted
-- from every daily dump of the month. `status`: 'compared' when every month of the period is
-- held and complete (then `sors` and `sors_after_notice` are the sums of the monthly counts);
-- 'partial' when some months are held; 'none' when none is. SoR sums are never given for part
-- of a period. `sor_releases` lists the monthly releases summed.
WITH reports AS (
    SELECT n.*,
           row_number() OVER (PARTITION BY n.platform_id, n.period_start, n.period_end, n.row_kind, n.code
                              ORDER BY n.published DESC NULLS LAST, n.release_id DESC) AS newest
    FROM dsa_notice_rows AS n
    WHERE n.repeat_of IS NULL AND n.platform_id IS NOT NULL
),
report_rows AS (
    SELECT r.*, s.subject, s.name AS subject_name, s.phrase AS subject_phrase, TRY_CAST(s.rank AS INTEGER) AS subject_rank
    FROM reports AS r
    JOIN tax_sor_subjects AS s ON s.report_code = r.code
    WHERE r.newest = 1
),
monthly AS (
    -- one platform's SoRs of one subject in one month, all its published names added up
    SELECT platform_id, subject, period_start AS month,
           sum(value) FILTER (WHERE measure = 'sors') AS sors,
           sum(value) FILTER (WHERE measure = 'after_notice') AS after_notice,
           bool_and(complete) FILTER (WHERE measure = 'sors') AS complete,
           bool_and(complete) FILTER (WHERE measure = 'after_notice') AS notice_complete,
           list(DISTINCT release_id ORDER BY release_id) AS releases
    FROM sor_figures
    WHERE source_id = 'dsa_sor' AND platform_id IS NOT NULL AND NOT conflict AND value IS NOT NULL
      AND day(period_start) = 1 AND period_end = last_day(period_start)
    GROUP BY platform_id, subject, period_start
),
held AS (
    SELECT r.release_id, r.code, r.row_kind,
           count(m.month) FILTER (WHERE m.sors IS NOT NULL) AS months_held,
           count(m.month) FILTER (WHERE m.sors IS NOT NULL AND m.complete) AS months_complete,
           count(m.month) FILTER (WHERE m.after_notice IS NOT NULL AND m.notice_complete) AS notice_months,
           sum(m.sors) AS sors_sum,
           sum(m.after_notice) AS after_notice_sum,
           min(m.month) FILTER (WHERE m.sors IS NOT NULL) AS first_month,
           max(m.month) FILTER (WHERE m.sors IS NOT NULL) AS last_month,
           flatten(list(m.releases ORDER BY m.month) FILTER (WHERE m.releases IS NOT NULL)) AS releases
    FROM report_rows AS r
    LEFT JOIN monthly AS m
      ON m.platform_id = r.platform_id AND m.subject = r.subject
     AND m.month BETWEEN r.period_start AND r.period_end
    GROUP BY r.release_id, r.code, r.row_kind
),
joined AS (
    SELECT r.*, h.* EXCLUDE (release_id, code, row_kind),
           datediff('month', r.period_start, r.period_end) + 1 AS months
    FROM report_rows AS r
    JOIN held AS h USING (release_id, code, row_kind)
)
SELECT
    release_id, platform_id, period_start, period_end, published, row_kind, code, subject, subject_name,
    subject_phrase, subject_rank, file, line, doc_url, doc_label,
    notices, notices_published, notices_header, law, law_published, law_header, terms, terms_published, terms_header,
    months, months_held, months_complete, first_month, last_month,
    CASE WHEN months_complete = months THEN 'compared' WHEN months_held > 0 THEN 'partial' ELSE 'none' END AS status,
    CASE WHEN months_complete = months THEN sors_sum END AS sors,
    CASE WHEN months_complete = months AND notice_months = months THEN after_notice_sum END AS sors_after_notice,
    CASE WHEN months_complete = months THEN list_sort(list_distinct(releases)) END AS sor_releases
FROM joined
