-- The revised figures of every release that data/changes.csv says revised figures (mart
-- revisions_named, joined on the release id of the new edition); `child_safety` marks
-- figures in the policy areas given in $child_areas. Per release: child-safety figures
-- first, then the largest relative change.
SELECT
    v.*,
    coalesce(list_contains(CAST($child_areas AS VARCHAR[]), v.policy_area), false) AS child_safety
FROM revisions_named AS v
WHERE v.release_id IN (SELECT release_id FROM stg_changes WHERE kind = 'revised_figures')
ORDER BY v.release_id, child_safety DESC, abs(v.change_ratio) DESC NULLS LAST, v.platform_label, v.policy_key,
         v.metric_label, v.period_start, v.period_end, v.geo_code, v.geography, v.metric_key, v.prev_release_id, v.locator
