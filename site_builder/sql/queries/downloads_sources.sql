-- Bulk download sources.csv: one row per source family of the catalog
-- (data/catalog/sources.yaml): publisher, title, where readers find it, kind, cadence, the
-- licence under which its figures are used and the attribution text it requires.
SELECT source_id, short, publisher, title, url, kind, cadence, licence, citation, description,
       unmapped_platforms_allowed
FROM sources
ORDER BY source_id
