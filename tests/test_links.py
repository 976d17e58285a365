"""Every link goes to the document the number came from (issue 8, item 4).

Unit tests choose addresses from real curated-row shapes (fields copied from
``shared/data/curated``); the site test parses every external link of a full build and
checks it against the link rules in ``data/taxonomy/link_rules.csv``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from site_builder import docref, periods

REDDIT = ("https://www.redditinc.com/policies/transparency-report-july-to-december-2023 | "
          "https://www.redditinc.com/policies/2023-h1-transparency-report | "
          "https://www.redditinc.com/policies/2022-transparency-report | "
          "https://www.redditinc.com/policies/mid-year-transparency-report-2022-2 | "
          "https://www.redditinc.com/policies/transparency-report-2021 | "
          "https://www.redditinc.com/policies/transparency-report-2020 | "
          "https://www.redditinc.com/policies/transparency-report-2019-1 | "
          "https://www.redditinc.com/policies/transparency")
NCMEC = " | ".join(f"https://www.missingkids.org/content/dam/missingkids/pdfs/{y}-reports-by-esp.pdf"
                   for y in range(2019, 2024))
SNAP = ("https://values.snap.com/privacy/transparency | https://values.snap.com/privacy/transparency-h2-2023 | "
        "https://values.snap.com/privacy/transparency-h1-2023 | https://values.snap.com/privacy/transparency-h2-2022 | "
        "https://values.snap.com/privacy/transparency-h1-2022 | https://www.snap.com/en-US/privacy/transparency/2021-12-31 | "
        "https://www.snap.com/en-US/privacy/transparency/2021-6-30 | https://www.snap.com/en-US/privacy/transparency/2020-12-31")
DISCORD = ("https://discord.com/blog/discord-transparency-report-july-dec-2020 | "
           "https://discord.com/blog/discord-transparency-report-h1-2021 | "
           "https://discord.com/blog/discord-transparency-report-q3-2022 | "
           "https://discord.com/safety-transparency-reports/2022-q4")
TWITCH = ("https://safety.twitch.tv/s/article/H2-2021-Transparency-Report | "
          "https://safety.twitch.tv/s/article/Transparency-Reports#5H12021TransparencyReport | "
          "https://safety.twitch.tv/s/article/Transparency-Reports#62020TransparencyReport")
BLUESKY = ("https://bsky.social/about/blog/01-17-2025-moderation-2024 | "
           "https://bsky.social/about/blog/01-29-2026-transparency-report-2025")
TIKTOK = ("https://www.tiktok.com/transparency/en/ (Community Guidelines Enforcement Report; quarterly pages such as "
          "https://www.tiktok.com/transparency/en/community-guidelines-enforcement-2023-4/ offer the data download; "
          "exact URL of the Q2 2024 release not verified)")
META_INTEGRITY = ("https://transparency.meta.com/integrity-reports-q2-2023/ ... integrity-reports-q4-2025 "
                  "(Meta quarterly Integrity Reports, list in diaphanous)")


def at(period: str) -> dict[str, date]:
    start, end = periods.parse_period(period)
    return {"start": start, "end": end}


@pytest.mark.parametrize(("field", "period", "expected"), [
    (REDDIT, "2023H2", "transparency-report-july-to-december-2023"),
    (REDDIT, "2022H1", "mid-year-transparency-report-2022-2"),
    (REDDIT, "2022H2", "2022-transparency-report"),
    (REDDIT, "2019", "transparency-report-2019-1"),
    (NCMEC, "2021", "2021-reports-by-esp.pdf"),
    (SNAP, "2021H1", "transparency/2021-6-30"),
    (SNAP, "2022H2", "transparency-h2-2022"),
    (DISCORD, "2020H2", "july-dec-2020"),
    (DISCORD, "2022Q4", "2022-q4"),
    (TWITCH, "2021H1", "#5H12021TransparencyReport"),
    (TWITCH, "2020", "#62020TransparencyReport"),
    (BLUESKY, "2024", "moderation-2024"),
    (BLUESKY, "2025", "transparency-report-2025"),
])
def test_several_addresses_give_the_one_for_the_rows_period(field: str, period: str, expected: str) -> None:
    ref = docref.resolve(field, title="transparency disclosures (as curated in diaphanous)", **at(period))
    assert ref.choice == "period" and ref.number_url.endswith(expected), ref


@pytest.mark.parametrize(("field", "period"), [(REDDIT, "2024H1"), (SNAP, "2024H1"), (NCMEC, "2024")])
def test_no_address_for_the_period_is_not_the_first_one(field: str, period: str) -> None:
    ref = docref.resolve(field, title="Reddit transparency disclosures", **at(period))
    assert ref.url == ref.number_url == "" and ref.choice == "no_match"
    assert "address of this edition not recorded" in ref.text and "none of the addresses" in ref.text
    assert urlsplit(docref.addresses(field)[1]).path in ref.text  # says which addresses exist


def test_a_lone_address_of_another_period_does_not_carry_the_number() -> None:
    ref = docref.resolve(META_INTEGRITY, title="Meta quarterly Integrity Reports - NCMEC reporting figure",
                         **at("2024Q3"))
    assert ref.number_url == "" and ref.choice == "other_period" and "names another period" in ref.text
    assert docref.resolve(META_INTEGRITY, **at("2023Q2")).number_url.endswith("integrity-reports-q2-2023/")


def test_a_lone_address_may_name_its_publication_year() -> None:
    url = "https://cybertips.ca/en/campaigns-and-media/news-releases/2021/project-arachnid-csam-online-availability/"
    assert docref.resolve(url, start=date(2018, 1, 1), end=date(2020, 12, 31)).number_url == url
    assert docref.resolve(url, start=date(2017, 1, 1), end=date(2019, 12, 31)).number_url == ""


def test_covers_names_what_an_address_does_not() -> None:
    x = ("https://transparency.x.com/en/reports/global-reports/2025-transparency-report "
         "(per diaphanous; H2 2024 report)")
    assert docref.resolve(x, **at("2024H2")).number_url.endswith("2025-transparency-report")
    ojjdp = ("https://www.missingkids.org/content/dam/missingkids/pdfs/OJJDP-NCMEC-Transparency_2022-Calendar-Year.pdf"
             " (Appendix A)")
    assert docref.resolve(ojjdp, **at("1998")).number_url.endswith("Calendar-Year.pdf")


def test_unverified_example_address_is_not_linked() -> None:
    ref = docref.resolve(TIKTOK, title="TikTok Community Guidelines Enforcement Report - downloadable data file",
                         **at("2023Q4"))
    assert ref.url == "" and ref.kind == "none" and ref.text.endswith("address not recorded")


@pytest.mark.parametrize(("field", "title", "when", "text"), [
    ("https://www.theguardian.com/ (original URL not captured)", "Instagram under fire over sexualised child images",
     "April 2022", "The Guardian, ‘Instagram under fire over sexualised child images’, April 2022 – "
                   "article address not recorded"),
    ("https://www.wsj.com/ (original; not read)", "TikTok Is a Venue for Child Sexual Exploitation (WSJ)",
     "February 2023", "The Wall Street Journal, ‘TikTok Is a Venue for Child Sexual Exploitation (WSJ)’, "
                      "February 2023 – article address not recorded"),
    ("https://transparency.x.com/ (report PDF; not read directly)", "Global Transparency Report H1 2024", "",
     "X Transparency Center, ‘Global Transparency Report H1 2024’ – address not recorded"),
])
def test_homepage_is_never_a_link(field: str, title: str, when: str, text: str) -> None:
    ref = docref.resolve(field, title=title, when=when)
    assert ref.url == "" and ref.kind in ("homepage", "none") and ref.text == text


def test_truncated_inferred_and_uncaptured_addresses_are_not_links() -> None:
    truncated = docref.resolve("https://openai.com/t...rust-and-transparency/ (URL truncated in read)",
                               title="OpenAI transparency disclosures", **at("2024H1"))
    assert truncated.kind == "truncated" and truncated.url == "" and "cut short" in truncated.text
    inferred = docref.resolve("https://telegram.org/tos/eu-dsa (inferred)", title="User guidance for the EU DSA")
    assert inferred.kind == "inferred" and inferred.url == ""
    by_note = docref.resolve("https://help.instagram.com/477434105621119", title="Community Guidelines",
                             note="Help-centre URL inferred (breadcrumb only in snapshot).")
    assert by_note.kind == "inferred" and by_note.url == ""
    guessed = docref.resolve("https://help.instagram.com/477434105621119",
                             guessed=frozenset({"https://help.instagram.com/477434105621119"}))
    assert guessed.url == ""
    none = docref.resolve("not captured (CCDH press release 14 Nov 2023)", title="CCDH press release, 14 Nov 2023")
    assert none.kind == "none" and none.text == "CCDH press release, 14 Nov 2023 – address not recorded"


@pytest.mark.parametrize(("field", "kind", "label"), [
    ("http://www.readkong.com/page/6th-evaluation-of-the-code-of-conduct-4332870", "mirror",
     "mirror copy at readkong.com"),
    ("https://www.searchenginejournal.com/twitter-transparency-report-shows-dark-side-of-social-media/459432 "
     "(press summary of Twitter Transparency Report Jul-Dec 2021)", "press_summary",
     "as reported by Search Engine Journal (press summary)"),
    ("http://2015.holocaustremembrance.com/media-room/news-archive/code-conduct-one-year", "press_summary",
     "as summarised by IHRA news (secondary)"),
    ("https://no.headtopics.com/news/youtube-deleted-120-000-plus-sexually-explicit-videos-with-children-in-first-"
     "half-of-2021-22284935", "syndication", "copy of a Variety article at Headtopics (syndication)"),
    ("https://archive.ph/ymYKG", "archive", "archived copy at archive.ph"),
    ("https://transparency.fb.com/sr/community-standards/ (Meta CSER CSV download link, overwritten each quarter; "
     "per diaphanous data/provenance.md)", "landing", "download address that serves only the latest edition, not this one"),
])
def test_secondary_sources_and_landing_pages_carry_their_label(field: str, kind: str, label: str) -> None:
    ref = docref.resolve(field, **at("2021"))
    assert (ref.kind, ref.label) == (kind, label)
    assert bool(ref.number_url) == (kind != "landing")  # a landing page never carries a number


def test_a_hosts_trailing_dot_is_dropped() -> None:
    assert docref.addresses("https://fudzilla.com./news/56506-x") == ["https://fudzilla.com/news/56506-x"]


# --- the built site -------------------------------------------------------------------

NUMBER = re.compile(r"^[<~]?\s*\d[\d,.]*(\s(million|billion))?%?$")
NEVER = {"none", "truncated", "inferred", "homepage"}


@dataclass
class Link:
    page: str
    href: str
    title: str
    text: str
    after: str


class _Links(HTMLParser):
    """Every <a href> of a page with its title, its text and the text right after it."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.links, self.open, self.tail = page, [], None, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            a = dict(attrs)
            self.tail = []
            if a.get("href"):
                self.open = Link(self.page, a["href"] or "", a.get("title") or "", "", "")
        elif tag in ("li", "p", "td", "tr", "div"):
            self.tail = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open:
            self.links.append(self.open)
            self.tail = [self.open]
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open.text += data
        for link in self.tail:
            if len(link.after) < 200:
                link.after += data


def site_links(site: Path) -> list[Link]:
    out: list[Link] = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links(str(page.relative_to(site)))
        parser.feed(page.read_text(encoding="utf-8"))
        out.extend(parser.links)
    return out


def external(link: Link) -> bool:
    parts = urlsplit(link.href)
    return parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", "localhost")


def rows_by_locator(warehouse: Path) -> dict[str, tuple[date, date, bool, date | None]]:
    """locator -> (period start, end, whether the row names its own document, its edition's end)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("SELECT o.locator, o.period_start, o.period_end, o.source_url IS NOT NULL, r.edition_end "
                           "FROM stg_observations AS o JOIN releases AS r USING (release_id)").fetchall()
    finally:
        con.close()
    return {loc: (s, e, own, ed) for loc, s, e, own, ed in rows if s and e}


def problems(link: Link, rules: docref.Rules, rows: dict) -> list[str]:
    href, out = link.href, []
    parts = urlsplit(href)
    # a space is garbage, except in a file name at an address pinned to a commit (a GitHub blob of
    # an archive whose files the provider named with spaces: '[Facebook] DSA VLOP Transparency Report ...')
    pinned = re.match(r"https://github\.com/[^/]+/[^/]+/blob/[0-9a-f]{40}/", href)
    if re.search(r"[\s()|]|%7C|\.\.\.|…", href, flags=re.I) or (not pinned and re.search("%20", href)):
        out.append("garbage in the address")
    if parts.path in ("", "/") and not parts.query:
        out.append("a homepage as a source link")
    ref = docref.resolve(href, rules=rules)
    if ref.kind in NEVER:
        out.append(f"an address the rules mark {ref.kind}")
    near = f"{link.text} {link.title} {link.after[:160]}"
    # the label of the address's rule, or of a remark rule of the same kind ('overwritten each quarter')
    labels = {ref.label} | {r.label for r in rules.rules if r.applies_to != "url" and r.kind == ref.kind}
    if ref.kind in ("landing", "press_summary", "syndication", "mirror", "archive") and not any(
            label in near for label in labels):
        out.append(f"{ref.kind} without its label '{ref.label}' next to it")
    if NUMBER.match(link.text.strip()):
        if ref.kind == "landing":
            out.append("a number linked to a landing page")
        for locator in link.title.split(" – ")[0].split("; "):
            if locator not in rows:
                continue
            start, end, own, edition_end = rows[locator]
            spans = docref.named_spans(href, rules)
            years = {y for s in spans for y in range(s.start.year, s.end.year + 1)}
            fits = set(range(start.year, end.year + 2)) if own else (
                set(range(edition_end.year, edition_end.year + 2)) if edition_end else years)
            if years and not years & fits:
                out.append(f"a number of {start}..{end} linked to a document of {sorted(years)}")
    return out


def test_every_external_link_follows_the_link_rules(built_site: Path) -> None:
    rules = docref.load_rules()
    rows = rows_by_locator(built_site / "warehouse.duckdb")
    links = [link for link in site_links(built_site / "site") if external(link)]
    assert len(links) > 500  # the site links its numbers: a parse that finds none is broken
    bad = [(link.page, link.href, link.text[:40], p) for link in links for p in problems(link, rules, rows)]
    assert not bad, f"{len(bad)} bad links, e.g. " + "\n".join(map(str, bad[:15]))


def test_the_link_check_catches_each_kind_of_bad_link() -> None:
    rules = docref.load_rules()
    rows = {"curated/ncmec.csv line 2": (date(2020, 1, 1), date(2020, 12, 31), True, None)}
    cases = {
        "https://www.theguardian.com/": "homepage",
        "https://openai.com/t...rust-and-transparency/": "garbage",
        "https://example.org/a | https://example.org/b": "garbage",
        "http://www.readkong.com/page/6th-evaluation-of-the-code-of-conduct-4332870": "without its label",
        "https://www.missingkids.org/content/dam/missingkids/pdfs/2023-reports-by-esp.pdf": "linked to a document of",
        "https://transparency.fb.com/sr/community-standards/": "landing page",
    }
    for href, expected in cases.items():
        found = problems(Link("p", href, "curated/ncmec.csv line 2", "1,234", ""), rules, rows)
        assert any(expected in p for p in found), (href, found)
    ok = Link("p", "http://www.readkong.com/page/6th-evaluation-of-the-code-of-conduct-4332870",
              "x – mirror copy at readkong.com", "80.1%", " (mirror copy at readkong.com)")
    assert problems(ok, rules, {}) == []
