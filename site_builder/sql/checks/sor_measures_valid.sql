-- data/taxonomy/sor_subjects.csv, sor_measures.csv and sor_caveats.csv: every subject once,
-- with a known policy area and a whole-number rank; every row of sor_measures names a
-- catalogued source, a known subject (or none) and a measure of the vocabulary the pages know
-- (or none), and gives at least one of the two; every caveat names a known platform, a
-- measure of sor_measures, a readable date and a treatment (withhold or flag).
WITH subjects AS (
    SELECT 'data/taxonomy/sor_subjects.csv' AS file, 'subject ' || coalesce(subject, '') AS locator,
           CASE WHEN count(*) OVER (PARTITION BY subject) > 1 THEN 'subject listed twice'
                WHEN policy_area NOT IN (SELECT policy_area FROM tax_policy_areas)
                    THEN 'unknown policy area ''' || policy_area || ''''
                WHEN TRY_CAST(rank AS INTEGER) IS NULL THEN 'rank is not a whole number'
                WHEN coalesce(name, '') = '' OR coalesce(phrase, '') = '' THEN 'empty name or phrase' END AS problem
    FROM tax_sor_subjects
),
measures AS (
    SELECT 'data/taxonomy/sor_measures.csv' AS file, source_id || ' / ' || policy_key || ' / ' || metric_key AS locator,
           CASE WHEN source_id NOT IN (SELECT source_id FROM sources) THEN 'unknown source ''' || source_id || ''''
                WHEN coalesce(subject, '') = '' AND coalesce(measure, '') = '' THEN 'neither a subject nor a measure'
                WHEN coalesce(subject, '') <> '' AND subject NOT IN (SELECT subject FROM tax_sor_subjects)
                    THEN 'unknown subject ''' || subject || ''''
                WHEN coalesce(measure, '') <> '' AND measure NOT IN (
                    'sors', 'automated_detection', 'not_automated_detection', 'fully_automated_decision',
                    'partially_automated_decision', 'not_automated_decision', 'after_notice',
                    'after_trusted_flagger_notice', 'own_initiative', 'share_of_all_platforms', 'delay_0', 'delay_1',
                    'delay_2_7', 'delay_8_30', 'delay_31_90', 'delay_91_365', 'delay_366_1826', 'delay_1827_plus',
                    'delay_negative', 'date_impossible')
                    THEN 'unknown measure ''' || measure || ''' (the measures site_builder/pages/sor.py shows)' END AS problem
    FROM tax_sor_measures
),
caveats AS (
    SELECT 'data/taxonomy/sor_caveats.csv' AS file, coalesce(platform_id, '') || ' / ' || coalesce(measure, '') AS locator,
           CASE WHEN platform_id NOT IN (SELECT platform_id FROM tax_platforms)
                    THEN 'unknown platform ''' || platform_id || ''''
                WHEN measure NOT IN (SELECT measure FROM tax_sor_measures WHERE coalesce(measure, '') <> '')
                    THEN 'unknown measure ''' || measure || ''''
                WHEN TRY_CAST(until AS DATE) IS NULL
                    THEN 'unreadable date ''' || coalesce(until, '') || '''; expected YYYY-MM-DD'
                WHEN coalesce(treatment, '') NOT IN ('withhold', 'flag')
                    THEN 'treatment is ''' || coalesce(treatment, '') || '''; expected withhold or flag'
                WHEN coalesce(text, '') = '' THEN 'empty text' END AS problem
    FROM tax_sor_caveats
)
SELECT * FROM subjects WHERE problem IS NOT NULL
UNION ALL
SELECT * FROM measures WHERE problem IS NOT NULL
UNION ALL
SELECT * FROM caveats WHERE problem IS NOT NULL
