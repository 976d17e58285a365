-- Every file of the dated bundles in data/archive (one folder per night a publish changed
-- data), newest night first.
SELECT night, file, bytes, sha256 FROM archive_files ORDER BY night DESC, file
