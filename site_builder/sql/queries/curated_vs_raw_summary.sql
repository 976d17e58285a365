-- Per curated copy superseded by a raw file: how many of its numbers the raw release
-- confirms, contradicts or does not publish.
SELECT
    curated_release_id,
    any_value(raw_release_id) AS raw_release_id,
    count(*) AS numbers,
    count(*) FILTER (WHERE agrees) AS agree,
    count(*) FILTER (WHERE raw_release_id IS NOT NULL AND NOT agrees) AS disagree,
    count(*) FILTER (WHERE raw_release_id IS NULL) AS not_in_raw
FROM curated_vs_raw
GROUP BY curated_release_id
ORDER BY curated_release_id
