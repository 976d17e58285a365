-- One row per file fetched (or tried) in data/catalog/fetches.csv, the fetch log: when
-- (`fetched_at`, UTC; `night` its date), which source and file (`path`, `url`, the address it
-- ended at after redirects `final_url`), the HTTP status, the outcome
-- (data/taxonomy/fetch_outcomes.csv; `succeeded` false only for a failure) and why it failed
-- (`reason`), with the file's sha256, size and validators. A time, status or size that does
-- not parse is NULL here and refused, with its text, by checks/fetches_valid.sql.
SELECT
    f.obs_file,
    f.line,
    CASE WHEN regexp_full_match(coalesce(f.fetched_at, ''), '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z')
         THEN try_strptime(f.fetched_at, '%Y-%m-%dT%H:%M:%SZ') END AS fetched_at,
    f.fetched_at AS fetched_at_text,
    f.source_id,
    coalesce(f.path, '') AS path,
    coalesce(f.url, '') AS url,
    coalesce(f.final_url, '') AS final_url,
    CASE WHEN regexp_full_match(trim(coalesce(f.status, '')), '[0-9]{3}') THEN TRY_CAST(trim(f.status) AS INTEGER) END AS status,
    coalesce(f.status, '') AS status_text,
    f.outcome,
    o.name AS outcome_name,
    o.succeeded = 'yes' AS succeeded,
    coalesce(f.reason, '') AS reason,
    coalesce(f.sha256, '') AS sha256,
    CASE WHEN regexp_full_match(trim(coalesce(f.bytes, '')), '[0-9]+') THEN TRY_CAST(trim(f.bytes) AS BIGINT) END AS bytes,
    coalesce(f.bytes, '') AS bytes_text,
    coalesce(f.etag, '') AS etag,
    coalesce(f.last_modified, '') AS last_modified,
    coalesce(f.content_type, '') AS content_type,
    coalesce(f.vintage, '') AS vintage
FROM raw_fetches AS f
LEFT JOIN tax_fetch_outcomes AS o ON o.outcome = f.outcome
