-- One row per platform id and year: the CyberTipline reports NCMEC says it received from
-- the provider lines that data/taxonomy/platform_labels.csv assigns to the platform. When
-- a company appears under several names in one year (Twitter, Inc. / Vine.co and X Corp in
-- 2023) the lines are summed and every line is listed in `lines` (text) and `parts` (one
-- struct per published line: label, value, value as published, locator, release, document);
-- same source, same metric, same year, so the sum is like for like. Asterisked names
-- (2019-2020) combine related companies: `combined` marks them.
SELECT
    s.platform_id,
    s.period_start,
    s.period_end,
    sum(s.value) AS value,
    count(*) AS n_lines,
    string_agg(s.platform_label || ': ' || s.value_as_published, '; ' ORDER BY s.platform_label, s.locator) AS lines,
    list({'platform_id': s.platform_id, 'label': s.platform_label, 'value': s.value,
          'value_as_published': s.value_as_published, 'locator': s.locator, 'release_id': s.release_id,
          'url': coalesce(s.source_url, ''), 'doc_number_url': s.doc_number_url, 'doc_link': s.doc_url,
          'doc_label': s.doc_label, 'doc_text': s.doc_text} ORDER BY s.platform_label, s.locator) AS parts,
    string_agg(s.locator, '; ' ORDER BY s.platform_label, s.locator) AS locator,
    min(s.release_id) AS release_id,
    count(DISTINCT s.release_id) AS n_releases,
    min(s.source_url) AS source_url,
    min(s.source_title) AS source_title,
    -- one document when every line was read from the same one, else none
    CASE WHEN count(DISTINCT coalesce(s.doc_number_url, '')) = 1 THEN min(s.doc_number_url) END AS doc_number_url,
    CASE WHEN count(DISTINCT coalesce(s.doc_number_url, '')) = 1 THEN min(s.doc_label) END AS doc_label,
    min(s.doc_text) AS doc_text,
    bool_or(s.platform_label LIKE '%*') AS combined
FROM series AS s
WHERE s.source_id = 'ncmec_esp'
  AND s.metric_id = 'ncmec_reports_received'
  AND s.platform_id IS NOT NULL
  AND NOT s.conflict
GROUP BY s.platform_id, s.period_start, s.period_end
HAVING count(*) FILTER (WHERE s.value_status = 'not_numeric') = 0
