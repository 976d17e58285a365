-- data/coverage_checks.csv: known platform, source, policy area ('*' allowed) and metric
-- ('*' allowed); ISO dates with the end on or after the start; a state of 'published' or
-- 'not_published'; an http or https address where one is given; who checked and the evidence; a
-- checked_on date that parses when given; no two checks of different states for the same
-- platform, source, area, metric and period; and no 'not_published' for a period this site
-- holds a figure for (the check would contradict a published number).
SELECT obs_file AS file, 'line ' || line AS locator, 'unknown platform id ''' || coalesce(platform_id, '') || '''' AS problem
FROM coverage_checks WHERE platform_id IS NULL OR platform_id NOT IN (SELECT platform_id FROM tax_platforms)
UNION ALL
SELECT obs_file, 'line ' || line, 'unknown source id ''' || coalesce(source_id, '') || ''''
FROM coverage_checks WHERE source_id IS NULL OR source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT obs_file, 'line ' || line, 'unknown policy area ''' || policy_area || ''' (or * for every area)'
FROM coverage_checks WHERE policy_area <> '*' AND policy_area NOT IN (SELECT policy_area FROM tax_policy_areas)
UNION ALL
SELECT obs_file, 'line ' || line, 'unknown metric id ''' || metric_id || ''' (or * for every metric)'
FROM coverage_checks WHERE metric_id <> '*' AND metric_id NOT IN (SELECT metric_id FROM tax_metrics)
UNION ALL
SELECT obs_file, 'line ' || line,
       'period_start ''' || coalesce(period_start_text, '') || ''' and period_end ''' || coalesce(period_end_text, '')
       || ''' must be ISO dates, the end on or after the start'
FROM coverage_checks WHERE period_start IS NULL OR period_end IS NULL OR period_end < period_start
UNION ALL
SELECT obs_file, 'line ' || line, 'state ''' || coalesce(state, '') || ''' is not published or not_published'
FROM coverage_checks WHERE state IS NULL OR state NOT IN ('published', 'not_published')
UNION ALL
SELECT obs_file, 'line ' || line, 'where_url ''' || where_url || ''' is not an http or https address'
FROM coverage_checks WHERE where_url <> '' AND NOT regexp_matches(where_url, '^https?://[^\s]+$')
UNION ALL
SELECT obs_file, 'line ' || line, 'a check needs checked_by (who or what established it) and its evidence'
FROM coverage_checks WHERE trim(checked_by) = '' OR trim(evidence) = ''
UNION ALL
SELECT obs_file, 'line ' || line, 'checked_on ''' || checked_on_text || ''' is not an ISO date'
FROM coverage_checks WHERE checked_on_text IS NOT NULL AND checked_on IS NULL
UNION ALL
SELECT a.obs_file, 'line ' || a.line || ' and line ' || b.line, 'two checks of the same periods disagree'
FROM coverage_checks AS a JOIN coverage_checks AS b
  ON a.line < b.line AND a.platform_id = b.platform_id AND a.source_id = b.source_id
 AND a.policy_area = b.policy_area AND a.metric_id = b.metric_id AND a.state <> b.state
 AND a.period_start <= b.period_end AND b.period_start <= a.period_end
UNION ALL
SELECT c.obs_file, 'line ' || c.line,
       'says not published, but this site holds ' || arg_min(s.value_as_published, s.locator) || ' at ' || min(s.locator)
FROM coverage_checks AS c
JOIN series AS s
  ON s.platform_id = c.platform_id AND s.source_id = c.source_id AND s.value IS NOT NULL AND NOT s.conflict
 AND (c.metric_id = '*' OR s.metric_id = c.metric_id) AND (c.policy_area = '*' OR s.policy_area = c.policy_area)
 AND s.period_start >= c.period_start AND s.period_end <= c.period_end
WHERE c.state = 'not_published'
GROUP BY c.obs_file, c.line
