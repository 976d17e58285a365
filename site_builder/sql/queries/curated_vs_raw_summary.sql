-- Per curated table: how many of its figures a raw file also publishes, and how many of
-- those agree.
SELECT
    curated_release_id,
    string_agg(DISTINCT raw_release_id, ', ' ORDER BY raw_release_id) AS raw_release_id,
    count(*) AS numbers,
    count(*) FILTER (WHERE agrees) AS agree,
    count(*) FILTER (WHERE raw_release_id IS NOT NULL AND NOT agrees) AS disagree,
    count(*) FILTER (WHERE raw_release_id IS NULL) AS not_in_raw
FROM curated_vs_raw
GROUP BY curated_release_id
ORDER BY curated_release_id
