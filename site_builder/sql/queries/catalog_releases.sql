-- Every release with its source and the number of observations read from it.
SELECT
    r.*,
    s.publisher,
    s.title AS source_title,
    s.licence,
    s.kind AS source_kind,
    (SELECT count(*) FROM stg_observations AS o WHERE o.release_id = r.release_id) AS observations,
    (SELECT count(*) FROM stg_observations AS o WHERE o.release_id = r.release_id AND o.value_status = 'not_reported') AS not_reported,
    (SELECT count(*) FROM stg_observations AS o WHERE o.release_id = r.release_id AND o.value_status = 'range') AS ranges
FROM releases AS r
JOIN sources AS s USING (source_id)
ORDER BY s.source_id, r.kind DESC, r.edition_end, r.release_id
