-- The uuids of a dump's own statements filed in the first or last minutes of its day (sorted): a stray
-- of another dump with one of these uuids is a duplicate of a statement this day already counts.
SELECT DISTINCT uuid FROM sor_acc WHERE day = $day AND uuid IS NOT NULL ORDER BY uuid
