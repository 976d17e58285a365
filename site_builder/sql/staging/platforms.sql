-- One row per harmonised platform or company id (data/taxonomy/platforms.csv).
SELECT platform_id, name, kind, company FROM tax_platforms
