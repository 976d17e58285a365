-- Every source of the catalog with its fetch health (mart source_health), by publisher.
SELECT * FROM source_health ORDER BY lower(publisher), source_id
