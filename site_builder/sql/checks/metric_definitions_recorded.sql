-- Every harmonised metric a source publishes has a definition for that source in
-- data/taxonomy/metric_definitions.csv (what that source's figure counts, and which
-- sources' figures are comparable with it).
SELECT 'data/taxonomy/metric_definitions.csv' AS file, o.metric_id || ' / ' || o.source_id AS locator,
       'no definition of ''' || o.metric_id || ''' for source ''' || o.source_id || ''' (' || count(*)
       || ' observations, e.g. ' || min(o.locator) || '); add a row' AS problem
FROM stg_observations AS o
LEFT JOIN tax_metric_definitions AS d ON d.metric_id = o.metric_id AND d.source_id = o.source_id
WHERE o.metric_id NOT IN ('other') AND d.metric_id IS NULL
GROUP BY o.metric_id, o.source_id
