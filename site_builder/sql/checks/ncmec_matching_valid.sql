-- data/taxonomy/ncmec_matching.csv names only known platform ids.
SELECT obs_file AS file, platform_id AS locator, 'unknown platform id ''' || id || '''' AS problem
FROM (SELECT obs_file, platform_id, unnest(string_split(ncmec_platform_ids, ';') || [platform_id]) AS id
      FROM tax_ncmec_matching)
WHERE id NOT IN (SELECT platform_id FROM tax_platforms)
