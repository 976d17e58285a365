-- Keys for which a curated table gives two different values (left out of charts).
SELECT s.source_id, s.release_id, s.platform_label, s.policy_label, s.metric_label, s.period_start, s.period_end,
       s.n_lines, s.locator
FROM series AS s WHERE s.conflict
ORDER BY s.source_id, s.platform_label, s.period_start, s.period_end, s.policy_key, s.policy_label, s.metric_label,
         s.geography, s.release_id, s.locator
