-- One row per piece of a case file (data/case_items.csv): a statement or finding (`claim`,
-- ref = claim id), a published figure (`figure`, ref = source|platform|published policy|
-- published metric|period start|period end) or an independent test result (`test`, ref =
-- test id|platform|published policy), in one section of the case: the rules in force then
-- (`rules`), what the platforms said at the time (`said`), what was found (`found`), the
-- platforms' own figures for the same period (`own_figures`) and what was published since
-- (`since`). `ref_parts` splits the ref; `section_rank` orders the sections.
SELECT i.line, i.obs_file, i.case_id, i.section, i.kind, i.ref, i.why, string_split(i.ref, '|') AS ref_parts,
       CASE i.section WHEN 'rules' THEN 1 WHEN 'said' THEN 2 WHEN 'found' THEN 3 WHEN 'own_figures' THEN 4
                      WHEN 'since' THEN 5 END AS section_rank
FROM raw_case_items AS i
