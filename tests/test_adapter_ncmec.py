"""NCMEC reports-by-ESP PDF adapter: fixture PDFs in NCMEC's layout (written by
fixtures/ncmec/make_fixtures.py, synthetic values), bad inputs, the pure text-lines parser,
and (in CI) every real PDF in ../shared/data/raw/ncmec, compared with the curated
transcription in data/observations/curated/ncmec_cybertipline_by_esp.csv."""

import csv
import functools
import importlib.util
import re
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import FIXTURES, REPO, SHARED_RAW
from site_builder.adapters import ncmec_esp
from site_builder.adapters.ncmec_esp import Cell, TextLine
from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.taxonomy import read_map, unknown_labels

NCMEC = FIXTURES / "ncmec"
DATA = REPO / "data"
YEARS = range(2019, 2024)


def parse(path: Path, edition: str = "2020", display_path: str | None = None) -> list[Observation]:
    return ncmec_esp.parse(path, release_id=f"ncmec_esp-{edition}", edition=edition,
                           display_path=display_path or path.name, quarantine=[])


def by_label(rows: list[Observation]) -> dict[str, Observation]:
    return {r.platform_label: r for r in rows}


def platform_ids() -> dict[str, str]:
    return {r["label"]: r["platform_id"] for r in read_map(DATA, "platform_labels")}


# --- fixtures -------------------------------------------------------------------------

def test_committed_fixtures_are_what_the_script_writes():
    spec = importlib.util.spec_from_file_location("make_ncmec_fixtures", NCMEC / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    for name, variant in module.FILES.items():
        assert (NCMEC / name).read_bytes() == module.build(variant), f"run {NCMEC / 'make_fixtures.py'}"


def test_reads_every_provider_line_with_its_locator():
    rows = parse(NCMEC / "ncmec-by-esp-2020.pdf")
    assert [r.platform_label for r in rows] == [
        "4chan", "Example Apps", "Facebook*", "Google*", "Deluxe Example/ColoCrossing/ HudsonValleyHost",
        "Hosting Example Inc/Midphase/ WestHost/Autica/VPS", "EasyExampleSolutions/MojoHost/ North Tone/Hosthead",
        "Web.example/Network Solutions/ Register/NameBargain", "JMS Internet,", "Microsoft*", "Snapchat",
        "Zoom Video Communications", "Totals"]
    first = rows[0]
    assert (first.value, first.value_as_published, first.value_status) == (1143, "1,143", "reported")
    assert (first.policy_label, first.metric_label, first.unit, first.geography) == (
        "CyberTipline reports by ESP", "Number of Reports", "reports", "global")
    assert (str(first.period_start), str(first.period_end)) == ("2020-01-01", "2020-12-31")
    assert first.locator == "ncmec-by-esp-2020.pdf p. 1 line 6"  # title 2 lines, prose, footnote, header
    assert rows[10].locator == "ncmec-by-esp-2020.pdf p. 2 line 12"  # after the running title and header
    assert len({r.locator for r in rows}) == len(rows)


@pytest.mark.parametrize("name, value, line", [
    ("Deluxe Example/ColoCrossing/ HudsonValleyHost", 14, "p. 1 line 10"),  # count beside the first half
    ("Hosting Example Inc/Midphase/ WestHost/Autica/VPS", 26, "p. 2 line 3"),
    ("EasyExampleSolutions/MojoHost/ North Tone/Hosthead", 41, "p. 2 line 5"),  # count between the halves
    ("Web.example/Network Solutions/ Register/NameBargain", 3, "p. 2 line 8"),  # count beside the last half
])
def test_wrapped_names_are_joined_and_keep_their_count(name, value, line):
    row = by_label(parse(NCMEC / "ncmec-by-esp-2020.pdf"))[name]
    assert row.value == value and row.locator.endswith(line)


def test_asterisked_names_keep_the_asterisk_and_the_footnote():
    rows = by_label(parse(NCMEC / "ncmec-by-esp-2020.pdf"))
    for name in ("Facebook*", "Google*", "Microsoft*"):
        assert rows[name].note == "*Report totals for related platforms and companies have been combined."
    assert rows["Facebook*"].value == 2_030_721 and rows["Snapchat"].note == ""
    ids = platform_ids()
    assert (ids["Facebook*"], ids["Google*"], ids["Microsoft*"]) == ("meta", "google", "microsoft")


def test_the_printed_total_is_an_observation_equal_to_the_sum():
    rows = parse(NCMEC / "ncmec-by-esp-2020.pdf")
    total = rows[-1]
    assert (total.platform_label, total.value_as_published, total.metric_label) == (
        "Totals", "2,111,335", "Number of Reports")
    assert total.value == sum(r.value for r in rows[:-1])
    assert total.locator == "ncmec-by-esp-2020.pdf p. 2 line 14"
    assert platform_ids()["Totals"] == platform_ids()["Total"] == "aggregate"


def test_2022_2023_layout_reports_header_total_without_colon_and_renamed_company():
    rows = by_label(parse(NCMEC / "ncmec-by-esp-2023.pdf", "2023"))
    assert {r.metric_label for r in rows.values()} == {"Reports"}
    assert rows["Total"].value == 1_404_626 and rows["Total"].value_as_published == "1,404,626"
    assert rows["Twitter, Inc. / Vine.co"].value == 59_708 and rows["X Corp"].value == 27_341
    assert rows["Hosting Services Inc/Midphase/WestHost/Autica/VPS"].value == 12
    assert all(r.note == "" for name, r in rows.items() if name != "Total")


def test_fixture_labels_are_known_to_the_taxonomy():
    rows = parse(NCMEC / "ncmec-by-esp-2020.pdf") + parse(NCMEC / "ncmec-by-esp-2023.pdf", "2023")
    assert unknown_labels(DATA, rows, allow_unmapped_platforms=True) == []


def test_ncmec_platform_labels_repeat_no_other_map():
    """A label in two platform maps would join twice in stg_observations (duplicate rows)."""
    path = DATA / "taxonomy" / "platform_labels" / "ncmec_esp.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        ours = [r["label"] for r in csv.DictReader(fh)]
    assert len(ours) == len(set(ours))
    others = {r["label"]: r["source_id"] for r in read_map(DATA, "platform_labels") if r["source_id"] != "ncmec_esp"}
    assert [(label, others[label]) for label in ours if label in others] == []


# --- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("bad-total-off-by-one.pdf", (r"bad-total-off-by-one\.pdf, p\. 2 line 14: the 12 provider lines sum to "
                                  r"2,111,335 but the printed total is 2,111,336 \(difference -1\)")),
    ("bad-unreadable-count.pdf", (r"bad-unreadable-count\.pdf, p\. 2 line 11: unreadable count for 'Microsoft\*' "
                                  r"\(found '9,6O7'\)")),
    ("bad-no-total.pdf", r"bad-no-total\.pdf: no totals line"),
])
def test_bad_fixture_names_file_page_line_and_problem(name, message):
    with pytest.raises(InputError, match=message):
        parse(NCMEC / name)


def test_title_of_another_year_is_refused():
    with pytest.raises(InputError, match=r"ncmec-by-esp-2020\.pdf, p\. 1 line 1: the title names 2020, not edition 2021"):
        parse(NCMEC / "ncmec-by-esp-2020.pdf", "2021")


def test_not_a_pdf_is_refused(tmp_path):
    f = tmp_path / "ncmec-by-esp-2020.pdf"
    f.write_text("ESP,Number of Reports\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ncmec-by-esp-2020\.pdf: not a readable PDF"):
        parse(f)


# --- the pure text-lines parser -------------------------------------------------------

def line(page: int, number: int, top: float, name: str | None = None, count: str | None = None) -> TextLine:
    cells = ([Cell(122, 122 + 6 * len(name), name)] if name else []) + (
        [Cell(490 - 6 * len(count), 490, count)] if count else [])
    return TextLine(page, number, top, top + 11, tuple(cells))


def page(number: int, rows: list[tuple], start: int = 3) -> list[TextLine]:
    """A page: running title, header, then rows (name, count[, top offset]) 16 points apart."""
    out = [TextLine(number, 1, 36, 49, (Cell(372, 540, f"2020 Reports by ESP {number}"),)),
           TextLine(number, 2, 84, 96, (Cell(122, 142, "ESP"), Cell(377, 490, "Number of Reports")))]
    top = 108.0
    for i, row in enumerate(rows):
        top = row[2] if len(row) > 2 else top + (16 if i else 0)
        out.append(line(number, start + i, top, row[0], row[1]))
    return out


def parse_lines(lines: list[TextLine]) -> ncmec_esp.Table:
    return ncmec_esp.parse_lines(lines, display_path="f.pdf", edition="2020")


def test_parser_reads_lines_without_a_pdf():
    table = parse_lines(page(1, [("A", "1,000"), ("B*", "2"), ("Totals:", "1,002")]))
    assert [(e.name, e.value, e.where) for e in table.entries] == [("A", 1000, "p. 1 line 3"), ("B*", 2, "p. 1 line 4")]
    assert (table.total.name, table.total.count, table.metric_label) == ("Totals", "1,002", "Number of Reports")


@pytest.mark.parametrize("lines, message", [
    (page(1, [("A", "1"), ("A", "2"), ("Total", "3")]), r"p\. 1 line 4: provider 'A' is printed twice \(also at p\. 1 line 3\)"),
    (page(1, [("A", "1"), ("B", "2", 118.0), ("Total", "3", 140.0), ("C", "4", 156.0)]),
     r"p\. 1 line 3-4: 2 counts for one entry"),
    (page(1, [("A", "1"), (None, "2"), ("Total", "3")]), r"p\. 1 line 4: a count with no provider name"),
    (page(1, [("A", "1"), ("B", None), ("Total", "1")]), r"p\. 1 line 4: provider 'B' has no count"),
    (page(1, [("A", "1"), ("Total", "1"), ("B", "2")]), r"p\. 1 line 5: a line with a count after the printed total"),
    (page(1, [("A", "1")]) + page(2, [("Total", "1")])[2:], r"f\.pdf, p\. 2: no column header"),
    (page(1, [("A", "1")]) + [TextLine(2, 1, 84, 96, (Cell(122, 142, "ESP"), Cell(444, 490, "Reports")))]
     + page(2, [("Total", "1")])[2:], r"p\. 2 line 1: the count column's header changes \(found 'Reports'\)"),
    ([], r"f\.pdf: no text"),
])
def test_parser_refuses_broken_lines(lines, message):
    with pytest.raises(InputError, match=message):
        parse_lines(lines)


# --- the real files (CI) --------------------------------------------------------------

# lines per year (the total not counted), the total's label and value as printed, the header
EXPECTED = {
    2019: (148, "Totals", "16,836,694", "Number of Reports"),
    2020: (168, "Totals", "21,447,786", "Number of Reports"),
    2021: (230, "Total", "29,157,083", "Number of Reports"),
    2022: (236, "Total", "31,802,525", "Reports"),
    2023: (247, "Total", "35,944,826", "Reports"),
}
ASTERISKED = {
    2019: ["Automattic*", "Endurance International Group*", "Facebook*", "Google*", "Match Group, LLC*",
           "MediaLab AI*", "Microsoft*", "OTI Holdings,Inc.*", "The Meet Group*"],
    2020: ["Automattic*", "Endurance International Group*", "Facebook*", "Globtech*", "INHOPE*", "Match Group*",
           "MediaLab AI*", "Meet Group*", "Microsoft*", "MindGeek*", "TikTok*"],
}
# (year, name as printed, platform id): the major platforms must be mapped
MAJOR = [
    (2019, "Facebook*", "meta"), (2019, "Google*", "google"), (2019, "Microsoft*", "microsoft"),
    (2019, "Snapchat", "snapchat"), (2019, "TikTok", "tiktok"), (2019, "Twitter, Inc.", "x"),
    (2019, "Discord Inc.", "discord"), (2019, "LinkedIn Corporation", "linkedin"), (2019, "GitHub", "github"),
    (2019, "Reddit, Inc.", "reddit"), (2019, "Pinterest Inc.", "pinterest"), (2019, "Twitch Interactive, Inc.", "twitch"),
    (2019, "Amazon", "amazon"), (2019, "Apple Inc", "apple"), (2019, "Dropbox, Inc.", "dropbox"),
    (2019, "Omegle.com LLC", "omegle"), (2019, "Roblox", "roblox"), (2019, "Yubo", "yubo"),
    (2020, "TikTok*", "tiktok"), (2020, "MindGeek*", "aylo"), (2020, "Amazon / Twitch", "amazon"),
    (2020, "Google", "google"), (2020, "Twitter", "x"), (2020, "Discord", "discord"), (2020, "Omegle", "omegle"),
    (2021, "Facebook", "facebook"), (2021, "Instagram", "instagram"), (2021, "WhatsApp", "whatsapp"),
    (2021, "MG Freesites (Pornhub)", "pornhub"), (2021, "Twitch", "twitch"), (2021, "Microsoft - Xbox", "microsoft"),
    (2022, "Instagram, Inc.", "instagram"), (2022, "WhatsApp Inc.", "whatsapp"), (2022, "TikTok Inc.", "tiktok"),
    (2022, "MG Freesites Ltd (dba Pornhub)", "pornhub"), (2022, "Microsoft - Online Operations", "microsoft"),
    (2023, "Twitter, Inc. / Vine.co", "x"), (2023, "X Corp", "x"), (2023, "Threads", "threads"),
    (2023, "Aylo Freesites Ltd (dba Pornhub)", "pornhub"), (2023, "Bluesky PBC", "bluesky"),
    (2023, "Amazon Photos", "amazon"), (2023, "Apple Inc", "apple"), (2023, "OpenAI", "openai"),
]
CURATED = DATA / "observations" / "curated" / "ncmec_cybertipline_by_esp.csv"
GLITCH = re.compile(r"^ESP (?:Number of )?Reports ")  # the header glued to a name in the curated copy


@functools.cache
def real(year: int) -> tuple[Observation, ...]:
    name = f"ncmec-by-esp-{year}.pdf"
    return tuple(parse(SHARED_RAW / "ncmec" / name, str(year), f"ncmec/{name}"))


def count_cells(path: Path) -> int:
    """Independently of the adapter: words right-aligned under the header's right edge."""
    n = 0
    with pdfplumber.open(path) as pdf:
        for p in pdf.pages:
            words = p.extract_words()
            header = next(w for w in words if w["text"] == "Reports" and abs(w["x0"] - 444.2) < 1)
            n += sum(1 for w in words if w["top"] > header["bottom"] and abs(w["x1"] - header["x1"]) < 1
                     and re.fullmatch(r"[\d,]+", w["text"]))
    return n


@pytest.mark.raw
@pytest.mark.parametrize("year", YEARS)
def test_real_lines_sum_to_the_printed_total(raw_dir, year):
    rows = real(year)
    lines, total = rows[:-1], rows[-1]
    n, label, printed, header = EXPECTED[year]
    assert (len(lines), total.platform_label, total.value_as_published) == (n, label, printed)
    assert sum(r.value for r in lines) == total.value
    assert {r.metric_label for r in rows} == {header}
    assert count_cells(raw_dir / "ncmec" / f"ncmec-by-esp-{year}.pdf") == len(rows)
    assert len({r.platform_label for r in rows}) == len({r.locator for r in rows}) == len(rows)
    assert all(re.fullmatch(rf"ncmec/ncmec-by-esp-{year}\.pdf p\. \d line \d+", r.locator) for r in rows)
    assert unknown_labels(DATA, list(rows), allow_unmapped_platforms=True) == []


@pytest.mark.raw
def test_real_2023_lists_twitter_and_x_corp(raw_dir):
    rows = by_label(real(2023))
    assert rows["Twitter, Inc. / Vine.co"].value_as_published == "597,087"
    assert rows["X Corp"].value_as_published == "273,416"


@pytest.mark.raw
def test_real_asterisked_names_only_in_2019_and_2020(raw_dir):
    for year in YEARS:
        starred = sorted(r.platform_label for r in real(year) if "*" in r.platform_label)
        assert starred == sorted(ASTERISKED.get(year, []))
    assert by_label(real(2019))["Facebook*"].value_as_published == "15,884,511"


@pytest.mark.raw
def test_real_wrapped_names(raw_dir):
    assert by_label(real(2019))["Deluxe Corporation/ColoCrossing / HudsonValleyHost"].value == 22
    assert by_label(real(2020))["Hosting Services Inc/Midphase/WestHost/ Autica/VPS"].value == 26
    assert by_label(real(2021))["EasyOnlineSolutions/MojoHost/ North Tone/Hosthead"].value == 41
    assert by_label(real(2021))["Web.com/Network Solutions/ Register/NameBargain"].value == 3


@pytest.mark.raw
def test_real_major_platforms_are_mapped(raw_dir):
    ids = platform_ids()
    for year, name, platform in MAJOR:
        assert name in by_label(real(year)), (year, name)
        assert ids.get(name) == platform, (year, name)
    for year in YEARS:
        assert ids[real(year)[-1].platform_label] == "aggregate"


@pytest.mark.raw
def test_real_agrees_with_the_curated_transcription(raw_dir):
    """The raw PDF wins; the curated copy's header glitches and spacing are forgiven when
    matching names, and every remaining difference is printed."""
    pdf: dict[tuple[int, str], float] = {}
    for year in YEARS:
        *lines, total = real(year)
        pdf.update({(year, r.platform_label): r.value for r in lines})
        pdf[(year, "TOTAL")] = total.value
    curated: dict[tuple[int, str], float] = {}
    glitches = []
    with CURATED.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            year = int(rec["period_start"][:4])
            if rec["metric_label"] != "cybertipline_reports_from_esp" or year not in YEARS:
                continue
            name = " ".join(GLITCH.sub("", rec["platform_label"]).split())
            if name != rec["platform_label"]:
                glitches.append((year, rec["platform_label"], name))
            curated[(year, "TOTAL" if name == "Total" else name)] = float(rec["value"])
    agree = [k for k in curated if pdf.get(k) == curated[k]]
    disagree = [(y, n, curated.get((y, n)), pdf.get((y, n))) for y, n in sorted(set(curated) | set(pdf))
                if curated.get((y, n)) != pdf.get((y, n))]
    print(f"\ncurated vs PDF: {len(agree)} agree, {len(disagree)} disagree, {len(glitches)} curated names repaired")
    for year, name, cur, raw in disagree:
        print(f"  {year} {name!r}: curated {cur}, PDF {raw}")
    for year, printed, name in glitches:
        print(f"  {year} curated name {printed!r} read as {name!r}")
    assert len(agree) >= 0.95 * len(pdf)
