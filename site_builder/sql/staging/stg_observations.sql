-- One row per published number (one line of data/observations/*.csv), typed, with the
-- harmonised platform, policy area, metric and unit joined from data/taxonomy. Values of
-- unit kind 'percent' are put on the 0-100 scale (TikTok publishes shares 0-1).
-- Nothing is filtered here: checks and marts decide. `doc_*` is the document the number
-- links to (table doc_refs, rules in data/taxonomy/link_rules.csv): of several addresses
-- the one for the row's own period, or none; `doc_number_url` is empty where no address may
-- carry the number (homepage, landing page, truncated or inferred address, another period),
-- `doc_label` is shown next to a secondary source's link and `doc_text` instead of a link.
SELECT
    o.source_id,
    o.release_id,
    r.kind AS release_kind,
    r.precedence,
    r.edition,
    r.edition_end,
    r.snapshot,
    o.platform_label,
    pl.platform_id,
    o.policy_label,
    pol.policy_key,
    pol.policy_area,
    o.metric_label,
    ml.metric_key,
    ml.metric_id,
    coalesce(ml.qualifier, '') AS qualifier,
    -- the word the value is printed with (data/taxonomy/value_qualifiers.csv): the one the
    -- source printed ('more than 5.4 million', '<1'), else the metric's ('at most' for an
    -- upper bound), else none
    coalesce((SELECT min(q.word) FROM tax_value_qualifiers AS q
              WHERE q.match = 'published' AND regexp_matches(o.value_as_published, q.pattern, 'i')),
             (SELECT min(q.word) FROM tax_value_qualifiers AS q
              WHERE q.match = 'qualifier' AND q.pattern = ml.qualifier), '') AS qualifier_word,
    TRY_CAST(o.period_start AS DATE) AS period_start,
    TRY_CAST(o.period_end AS DATE) AS period_end,
    o.geography,
    geo.geo_code,
    geo.kind AS geo_kind,
    o.value_status,
    round(TRY_CAST(o.value AS DOUBLE) * TRY_CAST(u.factor AS DOUBLE), 9) AS value,
    round(TRY_CAST(o.value_low AS DOUBLE) * TRY_CAST(u.factor AS DOUBLE), 9) AS value_low,
    round(TRY_CAST(o.value_high AS DOUBLE) * TRY_CAST(u.factor AS DOUBLE), 9) AS value_high,
    o.value_as_published,
    o.unit,
    u.unit_kind,
    u.display AS unit_display,
    o.locator,
    nullif(o.source_url, '') AS source_url,
    nullif(o.source_title, '') AS source_title,
    nullif(o.retrieved_from, '') AS retrieved_from,
    nullif(o.note, '') AS note,
    r.url AS release_url,
    d.doc_url,
    d.doc_number_url,
    d.doc_kind,
    d.doc_label,
    d.doc_text,
    d.doc_addresses,
    d.doc_choice,
    -- a number is shown only if it names its document (a link, or for curated rows at
    -- least a title) and the catalog does not hold it back (see releases.hold_back_note)
    (regexp_matches(coalesce(nullif(o.source_url, ''), r.url, ''), 'https?://')
        OR coalesce(o.source_title, '') <> '')
    AND NOT coalesce(contains(lower(o.note), lower(r.hold_back_note)), false) AS traceable,
    o.obs_file,
    -- the raw text, kept so that the checks can name what failed to parse
    o.value AS value_text,
    o.value_low AS value_low_text,
    o.value_high AS value_high_text,
    o.period_start AS period_start_text,
    o.period_end AS period_end_text
FROM raw_observations AS o
LEFT JOIN releases AS r ON r.release_id = o.release_id
LEFT JOIN (SELECT DISTINCT label, platform_id FROM tax_platform_labels) AS pl ON pl.label = o.platform_label
LEFT JOIN tax_policy_labels AS pol ON pol.source_id = o.source_id AND pol.label = o.policy_label
LEFT JOIN tax_metric_labels AS ml ON ml.source_id = o.source_id AND ml.label = o.metric_label
LEFT JOIN tax_units AS u ON u.unit = o.unit
LEFT JOIN doc_refs AS d
  ON d.field = coalesce(nullif(o.source_url, ''), r.url, '')
 AND d.title = coalesce(nullif(o.source_title, ''), r.title, '')
 AND d.note = coalesce(o.note, '')
 AND d.period_start = CASE WHEN coalesce(o.source_url, '') = '' THEN '' ELSE coalesce(o.period_start, '') END
 AND d.period_end = CASE WHEN coalesce(o.source_url, '') = '' THEN '' ELSE coalesce(o.period_end, '') END
LEFT JOIN (SELECT DISTINCT label, geo_code, kind FROM tax_geographies) AS geo ON geo.label = o.geography
