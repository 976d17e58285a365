-- One row per harmonised policy area, in the order the site presents them.
SELECT policy_area, name, TRY_CAST(rank AS INTEGER) AS rank, topic_page = 'true' AS topic_page, description
FROM tax_policy_areas
