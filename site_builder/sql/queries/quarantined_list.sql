-- Lines of publishers' files set aside at ingest (data/quarantine), with why.
SELECT q.source_id, s.short AS source_short, q.release_id, q.locator, q.reason, q.content
FROM quarantined AS q
LEFT JOIN sources AS s USING (source_id)
ORDER BY q.source_id, q.release_id, q.locator, q.reason, q.content
