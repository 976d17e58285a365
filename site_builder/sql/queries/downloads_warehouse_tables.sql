-- How many tables the warehouse file offered for download holds (the Downloads page says so).
SELECT count(*) AS tables FROM duckdb_tables() WHERE NOT internal AND NOT temporary
