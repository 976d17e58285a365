-- One row per revision (mart revisions: a figure a later edition gave with another value),
-- with what a page needs to show it: the platform's and policy area's names and the
-- document links of the edition that changed the figure and of the one before.
SELECT
    v.*,
    coalesce(p.name, v.platform_label) AS platform_name,
    pa.name AS policy_area_name,
    r.doc_number_url AS doc_url, r.doc_label,
    pr.doc_number_url AS prev_doc_url, pr.doc_label AS prev_doc_label
FROM revisions AS v
JOIN releases AS r ON r.release_id = v.release_id
JOIN releases AS pr ON pr.release_id = v.prev_release_id
LEFT JOIN platforms AS p ON p.platform_id = v.platform_id
LEFT JOIN policy_areas AS pa ON pa.policy_area = v.policy_area
