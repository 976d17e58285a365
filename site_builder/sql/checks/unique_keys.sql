-- One value per key per release: a publisher's file never gives two numbers for the same
-- platform, policy, metric, period and place. (Curated transcriptions may list the same
-- key from two documents; those are handled as conflicts in the series mart.)
SELECT min(obs_file) AS file, string_agg(locator, ' and ' ORDER BY locator) AS locator,
       'duplicate key: ' || platform_label || ' / ' || policy_label || ' / ' || metric_label || ' / '
       || period_start_text || ' / ' || geography || ' in ' || release_id AS problem
FROM stg_observations
WHERE release_kind = 'raw'
GROUP BY release_id, platform_label, policy_label, metric_label, period_start_text, period_end_text, geography
HAVING count(*) > 1
