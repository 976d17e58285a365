-- Helpers for reading statement-of-reasons CSV text (all columns are read as VARCHAR).
-- sor_list: a JSON array as written in the dumps -> sorted distinct list; NULL or '' -> [];
-- an unquoted spelling like [A,B] (older readers handle it too) is split on commas.
CREATE OR REPLACE MACRO sor_list(x) AS
  CASE
    WHEN x IS NULL OR trim(x) = '' THEN []::VARCHAR[]
    WHEN json_valid(x) AND json_type(x::JSON) = 'ARRAY'
      THEN list_sort(list_distinct(from_json(x, '["VARCHAR"]')))
    ELSE list_sort(list_distinct(list_filter(
           list_transform(string_split(trim(x, '[] '), ','), lambda s: nullif(trim(s, ' "'), '')), lambda s: s IS NOT NULL)))
  END;

-- sor_ts: a dump timestamp 'YYYY-MM-DD HH:MM:SS' (or a bare date) -> TIMESTAMP, NULL when unreadable.
CREATE OR REPLACE MACRO sor_ts(x) AS
  coalesce(try_strptime(x, '%Y-%m-%d %H:%M:%S'), try_strptime(x, '%Y-%m-%d'));

-- sor_delay: the bucket of a delay in days between two dates (first -> second) of one statement;
-- 'impossible' when a date is missing or outside its allowed range, or after the statement was filed.
CREATE OR REPLACE MACRO sor_delay(first_ts, second_ts, first_min, second_min, filed) AS
  CASE
    WHEN first_ts IS NULL OR second_ts IS NULL OR filed IS NULL THEN 'impossible'
    WHEN first_ts < first_min OR first_ts > TIMESTAMP '2038-01-01'
      OR second_ts < second_min OR second_ts > TIMESTAMP '2038-01-01' THEN 'impossible'
    WHEN first_ts::DATE > filed::DATE OR second_ts::DATE > filed::DATE THEN 'impossible'
    ELSE CASE
      WHEN second_ts::DATE - first_ts::DATE < 0 THEN 'negative'
      WHEN second_ts::DATE - first_ts::DATE = 0 THEN '0'
      WHEN second_ts::DATE - first_ts::DATE = 1 THEN '1'
      WHEN second_ts::DATE - first_ts::DATE <= 7 THEN '2-7'
      WHEN second_ts::DATE - first_ts::DATE <= 30 THEN '8-30'
      WHEN second_ts::DATE - first_ts::DATE <= 90 THEN '31-90'
      WHEN second_ts::DATE - first_ts::DATE <= 365 THEN '91-365'
      WHEN second_ts::DATE - first_ts::DATE <= 1826 THEN '366-1826'
      ELSE '1827+'
    END
  END;
