"""SQL models and data checks on tiny inputs (the fixture editions, ingested)."""

import csv

import duckdb
import pytest

from site_builder import warehouse
from site_builder.errors import InputError


def warehouse_for(data):
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    return con


def rows(con, sql, params=None):
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_checks_pass_on_clean_input(tiny_data):
    assert warehouse.run_checks(warehouse_for(tiny_data)) == []


def test_revisions_between_consecutive_editions(tiny_data):
    con = warehouse_for(tiny_data)
    revs = rows(con, "SELECT * FROM revisions ORDER BY metric_label")
    assert [(r["metric_label"], r["prev_value_as_published"], r["value_as_published"], r["change_kind"]) for r in revs] == [
        ("Content Actioned", "25,700,000", "25,600,000", "revised down"),
        ("Content Appealed", "N/A", "800", "newly reported"),
    ]
    # the relabelled 'Violence And Incitement' matched its old spelling: same value, no revision


def test_series_keeps_only_the_newest_full_snapshot(tiny_data):
    con = warehouse_for(tiny_data)
    pts = rows(con, "SELECT * FROM series WHERE platform_label = 'Facebook' AND metric_label = 'Content Actioned' "
                    "AND policy_key = 'child_endangerment_sexual_exploitation' ORDER BY period_start")
    assert [(str(p["period_start"]), p["value_status"], p["value"], p["release_id"]) for p in pts] == [
        ("2021-01-01", "not_reported", None, "meta_cser-2021Q3"),
        ("2021-04-01", "reported", 25_600_000, "meta_cser-2021Q3"),
        ("2021-07-01", "reported", 21_200_000, "meta_cser-2021Q3"),
    ]
    # a range published only in the older edition is dropped with it
    fake = rows(con, "SELECT * FROM series WHERE policy_key = 'fake_accounts'")
    assert [(str(f["period_start"]), f["value_status"], f["value_low"], f["value_high"]) for f in fake] == [
        ("2021-07-01", "range", 4, 5)]


def test_curated_row_without_link_is_shown_by_title(tiny_data):
    con = warehouse_for(tiny_data)
    assert rows(con, "SELECT count(*) AS n FROM held_back")[0]["n"] == 0
    s = rows(con, "SELECT * FROM series WHERE source_id = 'independent_tests' ORDER BY metric_label")
    assert [r["metric_label"] for r in s] == ["posts acted on by platform", "posts reported by researchers",
                                            "seller accounts identified"]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old, new, check, problem", [
    (",Hate Speech,", ",Hate Speach,", "unknown_labels", "unknown policy label 'Hate Speach'"),
    ("9800000", "-9800000", "negative_values", "negative value"),
    ("global,range,,4,5,", "global,range,,5,4,", "unreadable_fields", "does not match its values"),
    (",99.5,", ",150,", "shares_in_range", "outside 0-100"),
    ("2021-04-01,2021-06-30,global,not_reported", "2021-04-01,2021-06-31,global,not_reported", "unreadable_fields",
     "unreadable period"),
])
def test_checks_name_file_locator_and_problem(tiny_data, old, new, check, problem):
    _edit(tiny_data / "observations" / "meta_cser.csv", old, new)
    failures = warehouse.run_checks(warehouse_for(tiny_data))
    failed = {f.check: f for f in failures}
    assert check in failed, [f.check for f in failures]
    file, locator, text = failed[check].rows[0]
    assert file == "data/observations/meta_cser.csv" and "meta/meta-2021-q" in locator and problem in text
    assert problem in warehouse.format_failures(failures)


def test_duplicate_key_in_a_release_fails(tiny_data):
    path = tiny_data / "observations" / "meta_cser.csv"
    lines = path.read_text().splitlines(keepends=True)
    dup = next(line for line in lines if "Hate Speech" in line).replace("line 9", "line 99")
    path.write_text("".join(lines + [dup]))
    failures = {f.check: f for f in warehouse.run_checks(warehouse_for(tiny_data))}
    assert "duplicate key" in failures["unique_keys"].rows[0][2]


def test_release_missing_from_catalog_fails(tiny_data):
    path = tiny_data / "catalog" / "releases.csv"
    kept = [line for line in path.read_text().splitlines(keepends=True) if "meta_cser-2021Q2" not in line]
    path.write_text("".join(kept))
    failures = {f.check: f for f in warehouse.run_checks(warehouse_for(tiny_data))}
    assert "is not in data/catalog/releases.csv" in failures["releases_catalogued"].rows[0][2]


def test_renamed_header_stops_the_load(tiny_data):
    _edit(tiny_data / "observations" / "meta_cser.csv", "value_as_published", "value_published")
    with pytest.raises(InputError, match="meta_cser.csv, line 1: unexpected header"):
        warehouse_for(tiny_data)


def test_models_run_in_dependency_order():
    models = warehouse.order_models([
        warehouse.Model("b", None, "SELECT * FROM a"), warehouse.Model("a", None, "SELECT 1 -- b is not a dependency"),
    ])
    assert [m.name for m in models] == ["a", "b"]


def test_observation_csv_round_trip_types(tiny_data):
    with (tiny_data / "observations" / "meta_cser.csv").open() as fh:
        recs = list(csv.DictReader(fh))
    assert {r["value_status"] for r in recs} == {"reported", "not_reported", "range"}
