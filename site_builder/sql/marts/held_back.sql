-- One row per number kept in data/ but not shown on pages: it names no document at all,
-- or its curated table's catalog entry holds it back (for example NCMEC 2025 per-provider
-- counts transcribed from a secondary dataset that cites no source: 'treat as
-- unverified'). Listed on the Methodology page so that nothing disappears silently.
SELECT source_id, release_id, platform_label, policy_label, metric_label, period_start, period_end,
       value_as_published, unit, locator, source_url, source_title, note
FROM stg_observations
WHERE NOT traceable
