"""The streaming reader of DSA Transparency Database daily dumps, on small dumps written by hand in
the exact layout (tests/fixtures/dsa_sor/dumps.py): checksums, v1/v2 by name, arrays, the PHP
backslash escape, invalid UTF-8, unreadable lines, header-only parts, strays and de-duplication."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from site_builder.dsa_sor import store
from site_builder.dsa_sor.layout import parse_dump_path
from site_builder.errors import InputError
from sor_dumps import arr, columns, line, row, write_dump

D1, D2 = date(2025, 7, 1), date(2025, 7, 2)


def cube(store_dir: Path, day: date, name: str = "cube") -> list[dict]:
    p = store.partition(store_dir, "global", "full", day) / f"{name}.parquet"
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{p}', hive_partitioning = false)")
    return [dict(zip(rel.columns, r)) for r in rel.fetchall()]


def read(tmp_path: Path, path: Path, **kw) -> store.DayRow:
    return store.process_day(parse_dump_path(path), tmp_path / "store", **kw).row


def test_reads_rows_by_name_with_sorted_distinct_arrays(tmp_path):
    cols = columns("v2")
    shuffled = tuple(reversed(cols))
    r1 = row("a", category_specification=arr("KEYWORD_OTHER", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_OTHER"),
             content_type=arr("CONTENT_TYPE_VIDEO", "CONTENT_TYPE_IMAGE"))
    r2 = row("b", category_specification=arr("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_OTHER"),
             content_type=arr("CONTENT_TYPE_IMAGE", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_IMAGE"))
    p = write_dump(tmp_path / "raw", D1, [[r1, r2]], cols=shuffled)
    m = read(tmp_path, p)
    assert (m.rows_read, m.rows_rejected, m.schema_version, m.parts) == (2, 0, "v2", 1)
    [c] = cube(tmp_path / "store", D1)
    assert c["rows"] == 2
    assert c["keywords"] == ["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_OTHER"]
    assert c["content_type"] == ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_VIDEO"]
    assert (c["content_delay"], c["decision_lag"]) == ("1", "0")


def test_v1_dump_has_37_columns_and_no_ean(tmp_path):
    p = write_dump(tmp_path / "raw", date(2025, 6, 30), [[row("a", created_at="2025-06-30 10:00:00",
                                                                 application_date="2025-06-30 00:00:00")]], schema="v1")
    m = store.process_day(parse_dump_path(p), tmp_path / "store").row
    assert len(columns("v1")) == 37 and len(columns("v2")) == 38
    assert (m.schema_version, m.rows_read) == ("v1", 1)


def test_light_dump_is_read(tmp_path):
    p = write_dump(tmp_path / "raw", D1, [[row("a"), row("b")]], variant="light")
    m = store.process_day(parse_dump_path(p), tmp_path / "store").row
    assert (m.variant, m.rows_read, len(columns("v2", "light"))) == ("light", 2, 34)


def test_quirks_recovered_or_reported_never_dropped(tmp_path):
    cols = columns("v2")
    backslash = line(row("bs", decision_facts='The user wrote \\"hello\\" in the comment'), cols)
    assert b'\\""hello\\""' in backslash
    backslash = backslash.replace(b'\\""hello\\""', b'\\"hello\\"')  # PHP did not double the quote after a backslash
    bad_utf8 = line(row("enc", platform_name="Živě.cz"), cols).replace("Živě.cz".encode(), b"\xc5\xbdiv\xc4")
    unreadable = line(row("broken"), cols) + b",extra,columns"
    parts = [[row("a"), backslash, row("b")], [], [bad_utf8, unreadable, row("c")]]
    p = write_dump(tmp_path / "raw", D1, parts)
    m = read(tmp_path, p)
    assert m.rows_read == 6
    assert (m.rows_recovered_backslash, m.rows_recovered_encoding, m.rows_unreadable, m.rows_rejected) == (1, 1, 1, 3)
    assert (m.parts, m.header_only_parts) == (3, 1)
    counts = {c["platform_name"]: c["rows"] for c in cube(tmp_path / "store", D1)}
    assert counts == {"TikTok": 4, "Živ\u00c4": 1}  # the damaged name re-read as latin-1
    listed = (store.partition(tmp_path / "store", "global", "full", D1) / "unreadable.csv").read_text().splitlines()
    assert listed[1].startswith("sor-global-2025-07-01-full-00000-00002.csv,3,")


def test_header_only_dump(tmp_path):
    p = write_dump(tmp_path / "raw", D1, [[]])
    m = read(tmp_path, p)
    assert (m.rows_read, m.parts, m.header_only_parts) == (0, 1, 1)
    assert cube(tmp_path / "store", D1) == []


def test_renamed_column_stops_naming_the_part(tmp_path):
    cols = tuple("platform" if c == "platform_name" else c for c in columns("v2"))
    p = write_dump(tmp_path / "raw", D1, [[row("a")]], cols=cols)
    with pytest.raises(InputError, match=r"sor-global-2025-07-01-full-00000.csv.zip/sor-global-2025-07-01-full-00000-00000.csv, "
                                         r"line 1: the header .*missing: platform_name; unknown: platform"):
        read(tmp_path, p)
    assert not store.partition(tmp_path / "store", "global", "full", D1).exists()


def test_sha1_mismatch_stops_and_keeps_previous_partition(tmp_path):
    p = write_dump(tmp_path / "raw", D1, [[row("a")]])
    read(tmp_path, p)
    sha = p.with_name(p.name + ".sha1")
    sha.write_text("0" * 40 + "  " + p.name + "\n")
    with pytest.raises(InputError, match=r"sha1 of the dump differs from its \.sha1 file"):
        read(tmp_path, p, force=True)
    assert len(cube(tmp_path / "store", D1)) == 1
    sha.write_text("not a checksum\n")
    with pytest.raises(InputError, match=r"\.zip\.sha1, line 1: not a sha1sum line"):
        read(tmp_path, p, force=True)


def test_corrupt_part_is_an_error(tmp_path):
    p = write_dump(tmp_path / "raw", D1, [[row("a"), row("b")]])
    data = bytearray(p.read_bytes())
    i = data.find(b"PK\x03\x04", 10)  # the CSV part's local header inside the inner zip
    data[i + 30 + len("sor-global-2025-07-01-full-00000-00000.csv") + 8] ^= 0xFF  # inside the compressed bytes
    p.write_bytes(bytes(data))
    import hashlib
    p.with_name(p.name + ".sha1").write_text(hashlib.sha1(bytes(data)).hexdigest() + "  " + p.name + "\n")
    with pytest.raises(InputError, match=r"sor-global-2025-07-01-full-00000\.csv\.zip/sor-global-2025-07-01-full-00000-00000\.csv: "
                                         r"CSV part (is not valid DEFLATE data|is truncated or corrupt)"):
        read(tmp_path, p)


def test_unchanged_sha1_is_skipped_and_changed_is_reread(tmp_path):
    p = write_dump(tmp_path / "raw", D1, [[row("a")]])
    assert store.process_day(parse_dump_path(p), tmp_path / "store").action == "read"
    assert store.process_day(parse_dump_path(p), tmp_path / "store").action == "unchanged"
    write_dump(tmp_path / "raw", D1, [[row("a"), row("b")]])  # regenerated upstream
    out = store.process_day(parse_dump_path(p), tmp_path / "store")
    assert out.action == "re-read (sha1 changed upstream)" and out.row.rows_read == 2


def test_strays_are_assigned_to_their_day_and_deduplicated(tmp_path):
    raw, st = tmp_path / "raw", tmp_path / "store"
    late = row("late", created_at="2025-07-01 23:50:00")
    own1 = [row("a"), late]
    # day 2's dump leaks 'late' (day 1, also in day 1's dump) and 'early3' (day 3, whose dump is absent)
    own2 = [row("b", created_at="2025-07-02 08:00:00"), late, row("early3", created_at="2025-07-03 00:05:00")]
    for day, rows in ((D1, own1), (D2, own2)):
        store.process_day(parse_dump_path(write_dump(raw, day, [rows])), st)
    m2 = store.day_rows(st, "global", "full")[1]
    assert (m2.rows_read, m2.rows_stray) == (3, 2)
    manifest = {r["date"]: r for r in store.manifest(st, "global", "full")}
    assert manifest["2025-07-01"]["rows_deduplicated"] == 1
    con = duckdb.connect()
    final = store.final_cube(st, "global", "full", con)
    per_day = dict(final.aggregate("day, sum(rows)::INT", "day").fetchall())
    assert per_day == {D1: 2, D2: 1}  # 'late' once; day 3 not read, so its stray waits for day 3's dump
    path = store.write_manifest(st, "global", "full")
    assert path.read_text().splitlines()[0].startswith("date,slug,variant,file,url,bytes,schema_version,sha1,generated,rows_read")


def test_generated_dump_is_marked(tmp_path):
    from site_builder.dsa_sor.layout import GENERATED_COMMENT

    p = write_dump(tmp_path / "raw", D1, [[row("a")]], comment=GENERATED_COMMENT)
    assert read(tmp_path, p).generated is True


def test_rejected_row_with_a_line_break_is_reread_whole_and_swallows_no_other(tmp_path):
    cols = columns("v2")
    def bad(uuid: str, **kw) -> bytes:
        return line(row(uuid, incompatible_content_ground="Bad BYTE here", **kw), cols).replace(b"BYTE", b"\xc3 x")
    two_lines = bad("enc1", decision_facts="first line\nsecond line")
    assert two_lines.count(b"\n") == 1
    p = write_dump(tmp_path / "raw", D1, [[row("a"), two_lines, bad("enc2"), bad("enc3"), row("b")]])
    m = read(tmp_path, p)
    assert (m.rows_read, m.rows_recovered_encoding, m.rows_unreadable) == (5, 3, 0)
    assert sum(c["rows"] for c in cube(tmp_path / "store", D1)) == 5
