"""Reader text carries no machine traces: enumeration codes, JSON paths, file paths, curation
notes, '(s)' or doubled units. Locators stay available as link titles and inside tables and
<details>; engineers' text is set as <code>; verbatim quotes are left as published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sentences import _Text

TRACES = {
    "an enumeration code": re.compile(r"\b[A-Z]{3,}(?:_[A-Z0-9]+){2,}\b"),
    "a JSON path": re.compile(r"\$\.[A-Za-z_]|\[\"\d{4}\"\]|\brows\[\d+\]"),
    "a file path": re.compile(r"\b[\w-]+/[\w./-]*\.(?:csv|json|pdf|xlsx|yaml|md|sql)\b"
                              r"|\b[\w-]+\.(?:csv|xlsx|pdf|json|sql)\b(?: line \d+)?"),
    "'(s)'": re.compile(r"\w\(s\)"),
    "a doubled unit": re.compile(r"% percent|\bpercent percent|%\s?%|\b(reports|accounts|items) \1\b"),
    "a curation note": re.compile(r"(?i)keep quote column|until verified|verify before publishing|\bTODO\b|\bFIXME\b"
                                  r"|transcribed twice|\bcurated/|research brief|stored sources|\brow above\b"),
    "a curator's emphasis": re.compile(r"\bNOT read\b|\bIS verified\b"),
    "a wrong plural": re.compile(r"(?<![\d,.])1 (?:statements|figures|measures|sources|tests|releases|platforms|rows|changes"
                                 r"|reports|accounts|posts|periods|years)\b"
                                 r"|(?<![\d,.])[2-9] (?:statement|figure|measure|source|test|release|platform|row|change)\b(?!-)"),
    "a wrong article": re.compile(r"(?<![/\w])[Aa] (?!one\b|once\b|uni|use|usu|eu|Eu)[aeiou]\w+"),
    "an internal identifier": re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)+\b"),
}
QUOTED = re.compile(r"“[^”]*”")   # a verbatim quote is shown as published


def traces(text: str) -> list[tuple[str, str]]:
    text = QUOTED.sub("“…”", text)
    return [(name, m.group(0)) for name, rx in TRACES.items() for m in rx.finditer(text)]


def reader_blocks(html: str) -> list[str]:
    """The page's main text without tables and code (see tests/sentences.py)."""
    p = _Text()
    p.feed(html)
    p._flush()
    return [b for b, _ in p.blocks]


def test_the_trace_finder_knows_each_trace():
    for text in ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "$.NCMEC.rows[156][\"2023\"][1]",
                 "curated/policies.csv line 6", "meta/meta-2024-q2.csv", "1 measures from 1 source(s)", "98% percent",
                 "Keep quote column empty until verified", "statement_category_protection_of_minors",
                 "Quote given in research brief; NOT read verbatim in stored sources", "1 statements", "3 figure",
                 "a independent test"):
        assert traces(text), text
    assert not traces("Instagram removed 3.4 million pieces of content in 2025Q4 (Meta CSER).")
    assert not traces("1 statement, 2 statements, the 2023 figure, a user report, a unique account, 31 of 405 accounts.")
    assert not traces("“we may remove it on all parts of their service(s)”")


@pytest.mark.slow
def test_no_machine_traces_in_reader_text(built_site: Path):
    site = built_site / "site"
    bad = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.parts or "search" in page.parts:
            continue
        for block in reader_blocks(page.read_text(encoding="utf-8")):
            bad += [(str(page.relative_to(site)), name, hit, block[:160]) for name, hit in traces(block)]
    assert not bad, f"{len(bad)} machine traces in reader text, e.g.:\n" + "\n".join(
        f"{p}: {name} {hit!r} in {text!r}" for p, name, hit, text in bad[:15])
