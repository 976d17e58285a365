"""Diaphanous adapter: fixture files in the compilation's exact model (codebook.md), bad
inputs, and (in CI) the real ocse-reports-per-platform.json / ocse-reports-per-year.csv in
../shared/data/raw/diaphanous, cross-checked with the researcher's curated copies."""

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from site_builder.adapters import diaphanous
from site_builder.errors import InputError
from site_builder.ingest import _check_unique
from site_builder.taxonomy import unknown_labels

FIX = FIXTURES / "diaphanous"
JSON_NAME = "ocse-reports-per-platform.json"
CSV_NAME = "ocse-reports-per-year.csv"
CURATED = REPO / "data" / "observations" / "curated"


def parse(path: Path, edition: str = "v0.1"):
    return diaphanous.parse(path, release_id=f"diaphanous-{edition}", edition=edition,
                            display_path=f"diaphanous/{path.name}", quarantine=[])


def by_key(rows):
    return {(r.platform_label, r.metric_label, r.period_start.isoformat()): r for r in rows}


# -- fixtures ---------------------------------------------------------------------------

def test_one_row_per_cell_with_locator_and_provenance():
    rows = parse(FIX / JSON_NAME)
    assert len(rows) == 53  # Google 12, Microsoft 9, Snap 9, YouTube 2, NCMEC 7 rows x 3 numbers
    first = rows[0]
    assert (first.platform_label, first.policy_label, first.metric_label) == ("Google", "CSAM", "pieces")
    assert (first.value, first.value_as_published, first.unit) == (1200, "1200", "items (pieces/images/pins/messages)")
    assert first.locator == 'diaphanous/ocse-reports-per-platform.json $.Google.rows[0]["2023 H2"][0]'
    assert (str(first.period_start), str(first.period_end), first.geography) == ("2023-07-01", "2023-12-31", "global")
    assert first.source_url == "https://example.org/google/csam-2023 | https://example.org/google/csam-2022"
    assert first.source_title == "Google transparency disclosures (compiled in Diaphanous v0.1)"
    assert "v0.1" in first.retrieved_from and first.note.startswith("quantities: counts; granularity: H")
    assert "brand of Alphabet" in first.note
    units = {r.metric_label: r.unit for r in rows}
    assert units["reports"] == "CyberTipline reports to NCMEC" and units["accounts"] == "accounts"
    assert all(r.source_url and r.source_title and r.retrieved_from and r.locator for r in rows)


def test_null_is_not_reported_never_zero():
    rows = parse(FIX / JSON_NAME)
    na = by_key(rows)[("Google", "accounts", "2023-07-01")]
    assert (na.value_status, na.value, na.value_as_published) == ("not_reported", None, "null")
    assert sum(r.value_status == "not_reported" for r in rows) == 22
    assert all(r.value is not None for r in rows if r.value_status == "reported")


def test_brands_null_organisations_and_sums_give_no_numbers():
    rows = parse(FIX / JSON_NAME)
    assert not {"Alphabet", "Telegram"} & {r.locator.split()[1].split(".")[1].split("[")[0] for r in rows}
    youtube = [r for r in rows if r.platform_label == "YouTube"]
    assert [r.metric_label for r in youtube] == ["pieces (automated)", "pieces (human)"]  # no derived 'pieces'
    assert "compiler's sums: pieces = pieces (automated) + pieces (human)" in youtube[0].note


def test_parts_and_redundant_rows_keep_every_key_unique():
    rows = parse(FIX / JSON_NAME) + parse(FIX / CSV_NAME)
    _check_unique(rows)  # what ingest requires of one release
    keys = by_key(rows)
    assert keys[("Microsoft", "pieces [part 1]", "2023-01-01")].value == 70
    assert keys[("Microsoft", "pieces [part 2]", "2023-01-01")].value == 30
    auto = keys[("Microsoft", "automatically detected pieces [part 1]", "2023-01-01")]
    assert (auto.value, auto.value_as_published, auto.unit) == (99.5, "99.500", "percent")
    assert keys[("Microsoft", "reports [part 3]", "2023-01-01")].value == 12
    direct, repeat = keys[("Snap", "accounts", "2022-07-01")], keys[("Snap", "accounts [redundant]", "2022-07-01")]
    assert direct.value == 110 and repeat.value == 100 and repeat.value_as_published == "2.50 / 100 * 4,000"
    assert "redundant" in repeat.note and "2.50% of 4,000" in repeat.note
    assert "A synthetic comment" in direct.note


def test_ncmec_rows_name_the_provider_they_count():
    keys = by_key(parse(FIX / JSON_NAME))
    alphabet = keys[("Alphabet", "NCMEC reports", "2022-01-01")]
    assert (alphabet.value, alphabet.policy_label, alphabet.unit) == (560, "CSAM", "CyberTipline reports to NCMEC")
    assert alphabet.locator.endswith('$.NCMEC.rows[0]["2022"][1]')
    assert alphabet.source_title.startswith("NCMEC ") and "*received*" in alphabet.note
    days = keys[("Alphabet", "NCMEC response_time", "2022-01-01")]
    assert (days.value, days.value_as_published, days.unit) == (1.5, "1.500", "days")
    assert keys[("Microsoft", "NCMEC reports [part 2]", "2023-01-01")].value == 5
    assert keys[("NCMEC", "NCMEC reports (Total)", "2023-01-01")].value == 9500
    assert ("Total", "NCMEC reports", "2023-01-01") not in keys


def test_per_year_file():
    rows = parse(FIX / CSV_NAME)
    assert [(r.period_start.year, r.value) for r in rows] == [(2023, 9500), (2022, 9000), (2021, 8000)]
    assert rows[0].locator == "diaphanous/ocse-reports-per-year.csv line 2"
    assert (rows[0].platform_label, rows[0].metric_label) == ("NCMEC", "CyberTipline reports (all reporters)")
    assert rows[0].source_url and rows[0].source_title and rows[0].note


def test_documentation_files_hold_no_numbers_and_other_files_are_refused(tmp_path):
    (tmp_path / "codebook.md").write_text("# Codebook\n", encoding="utf-8")
    assert parse(tmp_path / "codebook.md") == []
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a file of the Diaphanous compilation"):
        parse(tmp_path / "other.txt")


def test_edition_must_match_the_citation_record():
    assert parse(FIX / JSON_NAME, edition="")  # the MANIFEST gives no edition
    with pytest.raises(InputError, match=r'\$\["@"\]\.version.*expected edition v0\.1'):
        parse(FIX / JSON_NAME, edition="v0.2")


JSON_BAD = [
    ('{"2023 H1": [1100, 310, 45]}', '{"2023 H1": [1100, 310]}',
     r'\$\.Google\.rows\[1\]\["2023 H1"\].*row has 2 values for 3 columns'),
    ('"2022 H1": [800', '"2022 S1": [800', r"\$\.Google\.rows\[3\].*unreadable period.*'2022 S1'"),
    ('"2022 H1": [800', '"H1 2022": [800', r"\$\.Google\.rows\[3\].*unreadable period"),
    ('"Telegram": null', '"Telegram": [1, 2]', r"\$\.Telegram: organisation value is neither null nor"),
    ('"Telegram": null', '"Telegram": {"tables": []}', r"\$\.Telegram\.tables: unknown or malformed property"),
    ('"coverage": "2023"', '"coverage": "2023", "colour": "red"', r"\$\.YouTube\.features: unknown or malformed"),
    ('"terms": ["CSAM"],\n            "quantities": "counts",\n            "granularity": "Y"',
     '"terms": ["CSAM"],\n            "quantities": "estimates",\n            "granularity": "Y"', r"\$\.YouTube\.features"),
    ('[1200, 340, null]', '[1200, "340", null]',
     r'\$\.Google\.rows\[0\]\["2023 H2"\]\[1\]: cell does not fit its int column'),
    ('[1200, 340, null]', '[1200, 340.5, null]', r'\$\.Google\.rows\[0\]\["2023 H2"\]\[1\]: cell does not fit'),
    ('[1200, 340, null]', '[1200, -340, null]', r'\["2023 H2"\]\[1\]: negative value'),
    ('"2.50 / 100 * 4,000"', '"2.5% of 4000"', r'\$\.Snap\.rows\[1\]\["2022 H2"\]\[1\]: cell does not fit its float'),
    ('"redundant": true', '"redundant": "yes"', r"\$\.Snap\.rows\[1\]: malformed row record"),
    ('{"2023 H1": [1100, 310, 45]},\n', "", r"\$\.Google\.rows: row periods leave a gap between 2022-12-31 and 2023-07-01"),
    ('"brands": ["Google", "YouTube"]', '"brands": ["Google", "Gmail"]', r"\$\.Alphabet\.brands: brand is not"),
    ('"pieces (human)"\n            ]', '"pieces (robot)"\n            ]', r"\$\.YouTube\.sums: unknown or malformed"),
    ('"accounts": "float"', '"accounts": "decimal"', r"\$\.Snap\.schema: unknown or malformed"),
    ('["Snap", 300', '["Snapp", 300', r'\$\.NCMEC\.rows\[1\]\["2022"\]\[0\]: platform cell names no organisation'),
    ('"accounts"\n        ],\n        "rows": [\n            {"2023 H2"',
     '"widgets"\n        ],\n        "rows": [\n            {"2023 H2"',
     r"\$\.Google\.columns\[2\]: no unit known for column 'widgets'"),
    ('"version": "0.1"', '"version": "0.2"', r'\$\["@"\]\.version: citation record names another version'),
    ('"title": "Social Media CSAM Disclosures"', '"title": "Something Else"', r'\$\["@"\]\.title'),
    ('"Telegram": null,', '"Telegram": null,\n    "Telegram": null,', "duplicate key 'Telegram'"),
    ('[60, 15]}', '[60, 15],}', r"line \d+, column \d+: malformed JSON"),
]


@pytest.mark.parametrize("old, new, message", JSON_BAD)
def test_bad_json_names_file_and_path(tmp_path, old, new, message):
    text = (FIX / JSON_NAME).read_text(encoding="utf-8")
    assert old in text, old
    bad = tmp_path / JSON_NAME
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        parse(bad)
    assert str(err.value).startswith(f"diaphanous/{JSON_NAME}")


def test_top_level_must_be_the_collection(tmp_path):
    bad = tmp_path / JSON_NAME
    bad.write_text("[" + (FIX / JSON_NAME).read_text(encoding="utf-8") + "]", encoding="utf-8")
    with pytest.raises(InputError, match=r"ocse-reports-per-platform\.json, \$: top level is not an object"):
        parse(bad)


@pytest.mark.parametrize("text, message", [
    ("year,count\n2023,9500\n", "line 1: unexpected header"),
    ("year,reports\n2023,9500\n23,9000\n", "line 3: unreadable line or repeated year"),
    ("year,reports\n2023,9500\n2023,9000\n", "line 3: unreadable line or repeated year"),
    ("year,reports\n2023,9500\n2022,9000,1\n", "line 3: unreadable line"),
    ("year,reports\n2023,-9500\n", "line 2, column reports: negative value"),
    ("year,reports\n2023,some 9500 or so\n", "line 2, column reports: unreadable value"),
    ("year,reports\n2023,95%\n", "line 2, column reports: reports must be a count"),
    ("year,reports\n", "no data rows"),
])
def test_bad_per_year_names_file_and_line(tmp_path, text, message):
    bad = tmp_path / CSV_NAME
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        parse(bad)
    assert str(err.value).startswith(f"diaphanous/{CSV_NAME}")


# -- the real files ---------------------------------------------------------------------

def _real(raw_dir: Path):
    doc = json.loads((raw_dir / "diaphanous" / JSON_NAME).read_text(encoding="utf-8"))
    rows = parse(raw_dir / "diaphanous" / JSON_NAME)
    return doc, rows


def _base(label: str) -> str:
    return re.sub(r" \[[^]]*\]$", "", label)


@pytest.mark.raw
def test_real_collection_counts_nulls_and_provenance(raw_dir):
    doc, rows = _real(raw_dir)
    orgs = {k: v for k, v in doc.items() if k != "@"}
    with_data = sorted(k for k, v in orgs.items() if v and "rows" in v)
    assert [k for k, v in orgs.items() if v is None] == ["Telegram", "Wikimedia"]
    assert len(with_data) == 18 and len(orgs) == 30
    assert {r.locator.split()[1].split(".")[1].split("[")[0] for r in rows} == set(with_data)
    cells = nulls = 0
    for v in orgs.values():
        if v and "rows" in v:
            numeric = [i for i, c in enumerate(v["columns"]) if v.get("schema", {}).get(c) != "string"]
            for row in v["rows"]:
                values = [next(iter(row.values()))[i] for i in numeric]
                cells, nulls = cells + len(values), nulls + values.count(None)
    assert len(rows) == cells == 1881
    assert sum(r.value_status == "not_reported" for r in rows) == nulls
    assert all((r.value is None) == (r.value_status == "not_reported") for r in rows)
    assert all(r.source_url.startswith("https://") and r.source_title.endswith("(compiled in Diaphanous v0.1)")
               and r.retrieved_from and r.note and " $." in r.locator for r in rows)
    per_year = parse(raw_dir / "diaphanous" / CSV_NAME)
    assert len(per_year) == 26 and {r.period_start.year for r in per_year} == set(range(1998, 2024))
    totals = {r.period_start.year: r.value for r in rows if r.metric_label == "NCMEC reports (Total)"}
    assert totals == {r.period_start.year: r.value for r in per_year if r.period_start.year >= 2019}
    _check_unique(rows + per_year)
    assert parse(raw_dir / "diaphanous" / "codebook.md") == []


@pytest.mark.raw
def test_real_labels_are_all_mapped(raw_dir):
    rows = _real(raw_dir)[1] + parse(raw_dir / "diaphanous" / CSV_NAME)
    unknown = unknown_labels(REPO / "data", rows, allow_unmapped_platforms=False)
    assert not unknown, "\n".join(u.message() for u in unknown)


@pytest.mark.raw
def test_real_values_agree_with_curated_platform_disclosures(raw_dir):
    """Every curated v0.1 figure against the file: same platform, metric, period and value."""
    rows = [r for r in _real(raw_dir)[1] if r.value_status == "reported" and not r.metric_label.startswith("NCMEC ")]
    formulas = [r for r in rows if "/ 100 *" in r.value_as_published]  # Snap's 'P% of N' repeats: not transcribed
    raw: dict[tuple, list[float]] = defaultdict(list)
    for r in rows:
        if r not in formulas:
            key = (r.platform_label, _base(r.metric_label), r.period_start.isoformat(), r.period_end.isoformat())
            raw[key].append(r.value)
    with (CURATED / "platform_csam_disclosures.csv").open(encoding="utf-8", newline="") as fh:
        curated_rows = list(csv.DictReader(fh))
    cur: dict[tuple, list[float]] = defaultdict(list)
    newer: Counter[str] = Counter()
    for c in curated_rows:
        key = (c["platform_label"], c["metric_label"], c["period_start"], c["period_end"])
        if JSON_NAME not in c["retrieved_from"]:  # from a later Diaphanous version: not expected in v0.1
            newer[c["platform_label"]] += key not in raw
            if key in raw and float(c["value"]) not in raw[key]:
                print("\n  newer version differs:", key, "curated", c["value"], "file", raw[key], end="")
            continue
        cur[key].append(float(c["value"]))
    agree = [k for k in cur if k in raw and Counter(cur[k]) == Counter(raw[k])]
    differ = [k for k in cur if k in raw and Counter(cur[k]) != Counter(raw[k])]
    curated_only = [k for k in cur if k not in raw]
    raw_only = Counter(k[0] for k in raw if k not in cur)
    print(f"\n{len(agree)} keys agree, {len(differ)} differ, {len(curated_only)} only in the curated v0.1 rows;"
          f"\nonly in the curated rows from a newer version: {dict(newer)}"
          f"\nonly in the file (keys per platform): {dict(raw_only)}; plus {len(formulas)} 'P / 100 * N' values")
    for k in differ:
        print("  differ:", k, "curated", cur[k], "file", raw[k])
    for k in curated_only:
        print("  only curated:", k, cur[k])
    assert len(agree) >= 0.95 * len(cur) and len(agree) > 300


@pytest.mark.raw
def test_real_values_agree_with_curated_consistency_table(raw_dir):
    """The researcher's yearly sums (platform-disclosed vs NCMEC-counted reports), rebuilt from
    the file: a company with its brands; non-redundant report columns; NCMEC lines summed."""
    doc, rows = _real(raw_dir)
    aka = {"Google": "Alphabet"}  # the curated table names Alphabet's figures 'Google'

    def group(org: str) -> set[str]:
        names = {org} | set(doc.get(org, {}).get("aka", []))
        return names.union(*(group(b) for b in doc.get(org, {}).get("brands", [])))

    disclosed: dict[tuple, float] = defaultdict(float)
    counted: dict[tuple, float] = defaultdict(float)
    for r in rows:
        if r.value is None or r.period_start.year != r.period_end.year:
            continue
        if r.metric_label.startswith("NCMEC reports") and "Total" not in r.metric_label:
            counted[(r.platform_label, r.period_start.year)] += r.value
        elif re.match(r"reports( \(.*\))?( \[part \d+\])?$", r.metric_label):
            org = r.locator.split()[1].split(".")[1].split("[")[0]
            disclosed[(org, r.period_start.year)] += r.value
    with (CURATED / "reports_consistency_platform_vs_ncmec.csv").open(encoding="utf-8", newline="") as fh:
        curated_rows = list(csv.DictReader(fh))
    results = []
    for c in curated_rows:
        members, year = group(aka.get(c["platform_label"], c["platform_label"])), int(c["period_start"][:4])
        side = counted if "counted by NCMEC" in c["metric_label"] else disclosed
        mine = sum(side.get((m, year), 0) for m in members)
        results.append((c["platform_label"], c["metric_label"], year, float(c["value"]), mine))
    bad = [r for r in results if r[3] != r[4]]
    print(f"\n{len(results) - len(bad)} of {len(results)} yearly sums agree")
    for r in bad:
        print("  differ:", r[:3], "curated", r[3], "rebuilt from the file", r[4])
    assert len(bad) <= 0.1 * len(results)
