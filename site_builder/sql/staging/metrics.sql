-- One row per harmonised metric with its unit kind and definition.
SELECT metric_id, name, unit_kind, definition FROM tax_metrics
