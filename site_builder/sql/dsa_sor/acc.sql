-- The statements of one dump while it is read: cube keys with counts (arrays as written), strays and
-- edge rows one by one.
CREATE OR REPLACE TEMP TABLE sor_acc (
  day DATE, platform_name VARCHAR, category VARCHAR, category_addition VARCHAR, keywords VARCHAR,
  decision_visibility VARCHAR, decision_monetary VARCHAR, decision_provision VARCHAR, decision_account VARCHAR,
  decision_ground VARCHAR, automated_detection VARCHAR, automated_decision VARCHAR, source_type VARCHAR,
  content_type VARCHAR, content_delay VARCHAR, decision_lag VARCHAR, uuid VARCHAR, created_ts TIMESTAMP, rows BIGINT
);
