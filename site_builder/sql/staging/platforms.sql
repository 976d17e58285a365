-- One row per harmonised platform or company id (data/taxonomy/platforms.csv). `major`:
-- its page is listed in the sidebar (checks/platforms_valid.sql refuses any value but yes or no).
SELECT platform_id, name, kind, company, major = 'yes' AS major FROM tax_platforms
