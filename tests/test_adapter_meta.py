"""Meta CSER CSV adapter: fixture files in Meta's exact format, bad inputs, and (in CI)
every real edition in ../shared/data/raw/meta."""

import csv
from pathlib import Path

import pytest

from conftest import FIXTURES
from site_builder.adapters import meta_cser
from site_builder.errors import InputError

META = FIXTURES / "meta"


def parse(path: Path, edition: str = "2021Q2"):
    return meta_cser.parse(path, release_id=f"meta_cser-{edition}", edition=edition, display_path=path.name)


def test_reads_every_line_with_its_locator():
    rows = parse(META / "meta-2021-q2.csv")
    assert len(rows) == 10
    first = rows[0]
    assert (first.platform_label, first.policy_label, first.metric_label) == (
        "Facebook", "Child Nudity & Sexual Exploitation", "Content Actioned")
    assert first.value == 5_100_000 and first.value_as_published == "5,100,000"
    assert first.unit == "pieces of content" and first.locator == "meta-2021-q2.csv line 2"
    assert str(first.period_start) == "2021-01-01" and str(first.period_end) == "2021-03-31"


def test_na_is_not_reported_and_range_is_kept():
    rows = {(r.platform_label, r.policy_label, r.metric_label, str(r.period_start)): r
            for r in parse(META / "meta-2021-q2.csv")}
    na = rows[("Facebook", "Child Nudity & Sexual Exploitation", "Content Actioned", "2021-04-01")]
    assert na.value_status == "not_reported" and na.value is None
    rng = rows[("Facebook", "Fake Accounts", "Prevalence", "2021-04-01")]
    assert (rng.value_status, rng.value, rng.value_low, rng.value_high) == ("range", None, 4, 5)
    rate = rows[("Facebook", "Child Endangerment: Sexual Exploitation", "Proactive rate", "2021-04-01")]
    assert rate.value == 99.5 and rate.unit == "percent"


def test_both_spellings_of_violence_and_incitement_are_read_as_published():
    labels = {r.policy_label for r in parse(META / "meta-2021-q2.csv")} | {
        r.policy_label for r in parse(META / "meta-2021-q3.csv", "2021Q3")}
    assert {"Violence and Incitement", "Violence And Incitement"} <= labels


def test_bom_is_accepted(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + (META / "meta-2021-q2.csv").read_bytes())
    assert len(parse(f)) == 10


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.replace("app,policy_area", "platform,policy_area", 1), "unexpected header"),
    (lambda t: t[: t.rindex(",")], "line 11: malformed CSV"),
    (lambda t: t.replace(',2021Q2,"21,700,000"', ',"21,700,000"', 1), "line 11: row has 4 fields"),
    (lambda t: t.replace('"25,700,000"', '"25,700,000', 1), "line"),
    (lambda t: t.replace("99.50%", "high", 1), "unreadable value 'high'"),
    (lambda t: t.replace('"9,800,000"', "-9800000", 1), "negative value"),
    (lambda t: t.replace("99.50%", "\"1,234\"", 1), "needs a percent"),
    (lambda t: t.replace(",2021Q1,", ",Q1 2021,", 1), "unreadable period"),
    (lambda t: t.splitlines()[0] + "\n", "no data rows"),
    (lambda t: t.replace(",2021Q2,", ",2021Q1,"), "edition 2021Q2 should end"),
])
def test_bad_input_names_file_line_and_expectation(tmp_path, mutate, message):
    f = tmp_path / "meta-bad.csv"
    f.write_text(mutate((META / "meta-2021-q2.csv").read_text()), encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        parse(f)
    assert "meta-bad.csv" in str(err.value)


def test_truncated_row_names_its_line(tmp_path):
    f = tmp_path / "meta-trunc.csv"
    text = (META / "meta-2021-q2.csv").read_text()
    f.write_text(text[: len(text) - 20], encoding="utf-8")
    with pytest.raises(InputError) as err:
        parse(f)
    assert "line 11" in str(err.value) and "meta-trunc.csv" in str(err.value)


@pytest.mark.raw
def test_every_real_edition(raw_dir):
    files = sorted((raw_dir / "meta").glob("meta-*.csv"))
    assert len(files) == 13
    for f in files:
        edition = f.stem.split("-", 1)[1].replace("-q", "Q")
        rows = parse(f, edition)
        with f.open(encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.DictReader(fh))
        assert len(rows) == len(lines)
        na = sum(1 for line in lines if line["value"] == "N/A")
        assert sum(1 for r in rows if r.value_status == "not_reported") == na
        assert all(r.value is None for r in rows if r.value_status != "reported")
        ranges = [r for r in rows if r.value_status == "range"]
        assert all("%-" in r.value_as_published for r in ranges)
    # the four editions that publish 4%-5% keep it as a range
    ranged = [f.name for f in files if any(r.value_status == "range" for r in parse(f, f.stem.split("-", 1)[1].replace("-q", "Q")))]
    assert ranged == ["meta-2022-q4.csv", "meta-2023-q1.csv", "meta-2023-q2.csv", "meta-2023-q3.csv"]


@pytest.mark.raw
def test_real_split_of_child_nudity_and_sexual_exploitation(raw_dir):
    rows = parse(raw_dir / "meta" / "meta-2021-q2.csv", "2021Q2")
    old = [r for r in rows if r.policy_label == "Child Nudity & Sexual Exploitation" and r.value is not None]
    new = [r for r in rows if r.policy_label.startswith("Child Endangerment") and r.value is not None]
    assert max(r.period_end for r in old).isoformat() == "2021-03-31"
    assert min(r.period_start for r in new).isoformat() == "2021-04-01"
