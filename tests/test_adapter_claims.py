"""Claims adapter (curated/policies.csv -> data/claims.csv): fixture in the file's exact
format, bad input, and the real file in CI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from site_builder.adapters import claims
from site_builder.errors import InputError

FIXTURE = FIXTURES / "claims" / "policies.csv"


def parse(path: Path = FIXTURE) -> list[claims.Claim]:
    return claims.parse(path, data_dir=REPO / "data", display_path="curated/policies.csv")


def test_fixture_rows_keep_text_provenance_and_map_labels() -> None:
    rule, change, finding = parse()
    assert rule.platform_ids == "facebook" and rule.policy_area == "child_sexual_exploitation"
    assert rule.quote.startswith("Fixture rule text: <script>")  # kept verbatim; escaped when rendered
    assert not rule.paraphrase_only
    assert rule.locator == "curated/policies.csv line 2"
    assert rule.date == "2026-08-20" and rule.date_as_published.startswith("current text")
    assert change.paraphrase_only and change.quote == "" and change.date == "2024-03-01"
    assert change.locator == "curated/policies.csv line 3"
    assert finding.platform_ids == "x" and finding.kind == "audit_finding"
    assert finding.quote == 'Fixture finding: "most reports were not acted on".'
    assert finding.date == "2023-06-01"


def test_claim_ids_are_stable_and_distinct() -> None:
    a, b = parse(), parse()
    assert [c.claim_id for c in a] == [c.claim_id for c in b]
    assert len({c.claim_id for c in a}) == 3


def test_output_csv_round_trips() -> None:
    text = claims.to_csv_text(parse())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == claims.CLAIM_COLUMNS
    assert {r["paraphrase_only"] for r in rows} == {"True", "False"}


@pytest.mark.parametrize("text", ["May 2024", "2024-05", "as of 2024-05-01 (updated 2025)"])
def test_first_date(text: str) -> None:
    assert claims.first_date(text) == "2024-05-01"


def test_first_date_empty_when_none() -> None:
    assert claims.first_date("dates not captured") == ""


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    p = tmp_path / "policies.csv"
    p.write_text(FIXTURE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return p


@pytest.mark.parametrize(("old", "new", "message"), [
    ("Facebook,CSEA,rule", "Facebok,CSEA,rule", "unknown platform label 'Facebok'"),
    ("Instagram,CSEA,policy_change", "Instagram,child abuse,policy_change", "unknown policy area label"),
    ("Facebook,CSEA,rule", "Facebook,CSEA,promise", "unknown kind"),
    (",,Fixture paraphrase only: the platform changed a setting.,", ",,,", "neither a quote nor a paraphrase"),
    ("https://example.org/rule", "javascript:alert(1)", "not an http(s) URL"),
    ("source_title,", "title,", "unexpected header"),
])
def test_bad_rows_name_file_line_and_expectation(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(_broken(tmp_path, old, new))
    assert message in str(err.value)
    assert "curated/policies.csv" in str(err.value)


def test_row_with_missing_fields_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "policies.csv"
    p.write_text(FIXTURE.read_text(encoding="utf-8") + "Facebook,CSEA,rule,only four\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 5"):
        parse(p)


def test_duplicate_statement_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "policies.csv"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    p.write_text("".join(lines + [lines[2]]), encoding="utf-8")
    with pytest.raises(InputError, match="listed twice"):
        parse(p)


@pytest.mark.raw
def test_real_policies_file(curated_dir: Path) -> None:
    found = parse(curated_dir / "policies.csv")
    assert len(found) >= 150
    assert all(c.locator.startswith("curated/policies.csv line ") for c in found)
    # paraphrase-only rows are exactly the rows with an empty quote
    assert all(c.paraphrase_only == (c.quote == "") for c in found)
    assert {c.kind for c in found} == claims.KINDS
    committed = list(csv.DictReader((REPO / "data" / "claims.csv").open(encoding="utf-8")))
    assert len(committed) == len(found), "data/claims.csv is out of date: run make ingest"

