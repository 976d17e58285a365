-- Evidence rows (mart claim_evidence) for the given platform ids, most independent first,
-- newest first (then the widest place: worldwide, the EU, countries by name), with the
-- release's document link for figures. The order is total: `strongest` evidence is the first row.
SELECT e.*, r.url AS release_url, r.edition
FROM claim_evidence AS e
LEFT JOIN releases AS r USING (release_id)
WHERE list_contains(CAST($platforms AS VARCHAR[]), e.platform_id)
ORDER BY e.claim_id, e.platform_id, e.evidence_rank, e.period_end DESC NULLS LAST, e.source_id, e.policy_label,
         e.metric_label, e.finding_id, e.geography = 'global' DESC, e.geography = 'EU' DESC, e.geography,
         e.platform_label, e.qualifier, e.period_start, e.topic, e.what_tests_it, e.release_id, e.locator
