"""Document references: which address a number or statement may link to, and what the
reader is told about it.

A source field (``source_url`` of a curated row or statement, or a release's ``url``) may
hold one address, several separated by ``" | "`` (one per edition of a report), an address
followed by a remark in parentheses, or only a remark. :func:`resolve` turns one field,
with the title, note and period of its row, into a :class:`DocRef`:

* **which address**: among several, the one whose address names the row's period (year,
  and half, quarter or end date where the address names one); never simply the first. When
  none does, or several do equally, no address is chosen and the addresses are listed.
  A single address that names another period than the row's is not used for the number.
* **what kind** of address it is, from the rules in ``data/taxonomy/link_rules.csv``
  (pattern on the address, on the remark after it, or on the row's note -> kind and the
  label the site shows) and the kinds in ``link_kinds.csv`` (whether the kind may be a link
  at all, needs its label next to it, and may carry a number). An address without a path
  (``https://www.wsj.com/``) is a homepage whatever the rules say.
* **what the reader sees**: the link and its label ("mirror copy at readkong.com"), or, where
  no link may be shown, the publication, title and date with "address not recorded".
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb

from site_builder import settings
from site_builder.errors import InputError

RULE_COLUMNS = ["applies_to", "pattern", "kind", "publication", "label", "covers"]
KIND_COLUMNS = ["kind", "rank", "href", "numbers", "what"]
APPLIES_TO = {"url", "annotation", "note"}
HREF = {"plain", "labelled", "never"}

# an address as written in a source field: up to a space, '|', a parenthesis or a quote
URL_RE = re.compile(r"https?://[^\s|()<>\"']+")
_Y = r"((?:19|20)\d\d)"
# periods an address can name (lower-cased path, query and fragment), most specific first
_DATES = [re.compile(rf"(?<!\d){_Y}-(\d{{1,2}})-(\d{{1,2}})(?!\d)"),        # 2021-12-31 (Snap)
          re.compile(rf"(?<!\d)(\d{{1,2}})-(\d{{1,2}})-{_Y}(?!\d)")]         # 01-17-2025 (Bluesky)
_PARTS = [  # (pattern, part, group of the year, group of the half or quarter number; 0: in the part)
    (re.compile(rf"jul[a-z]*-(?:to-)?dec[a-z]*-{_Y}(?!\d)"), "H2", 1, 0),     # july-to-december-2023
    (re.compile(rf"jan[a-z]*-(?:to-)?jun[a-z]*-{_Y}(?!\d)"), "H1", 1, 0),
    (re.compile(rf"mid-year[a-z-]*?{_Y}(?!\d)"), "H1", 1, 0),                 # mid-year-transparency-report-2022
    (re.compile(rf"h([12])[-_]?{_Y}(?!\d)"), "H", 2, 1),                      # h2-2023, #5h12021
    (re.compile(rf"(?<!\d){_Y}[-_]h([12])(?!\d)"), "H", 1, 2),               # 2023-h1
    (re.compile(rf"q([1-4])[-_]?{_Y}(?!\d)"), "Q", 2, 1),                     # q4-2025
    (re.compile(rf"(?<!\d){_Y}[-_]q([1-4])(?!\d)"), "Q", 1, 2),              # 2022-q4
    (re.compile(rf"enforcement-{_Y}-([1-4])(?=/|$)"), "Q", 1, 2),             # enforcement-2023-4/ (TikTok)
]
_YEAR = re.compile(rf"(?<!\d){_Y}(?!\d)")
_FRAGMENT_YEAR = re.compile(rf"{_Y}(?!\d)")                                   # #62020TransparencyReport
_COVERS = re.compile(r"^(\d{4})(?:([HQ])([1-4]))?(?:\.\.(\d{4}))?$")


@dataclass(frozen=True)
class Span:
    """A period an address names: first and last day."""

    start: date
    end: date
    exact_end: bool = False  # named by its end date only (Snap's '2021-12-31')


@dataclass(frozen=True)
class Rule:
    applies_to: str
    pattern: re.Pattern[str]
    kind: str
    publication: str
    label: str
    covers: tuple[Span, ...]


@dataclass(frozen=True)
class Kind:
    kind: str
    rank: int
    href: str  # plain | labelled | never
    numbers: bool


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    kinds: dict[str, Kind]


@dataclass(frozen=True)
class DocRef:
    """What one source field gives a row: the address to link (``url``, '' when none may be
    linked), the address a number may link to (``number_url``), the kind of document, the
    label shown right next to the link, the text shown instead of a link, every address the
    field lists, and how the address was chosen (only | period | no_match | ambiguous |
    other_period | none)."""

    url: str
    number_url: str
    kind: str
    label: str
    text: str
    addresses: tuple[str, ...] = field(default_factory=tuple)
    choice: str = "none"

    @property
    def secondary(self) -> bool:
        return self.kind in {"press_summary", "syndication", "mirror", "archive"}


def _span_from_covers(text: str, where: str) -> tuple[Span, ...]:
    if not text:
        return ()
    m = _COVERS.match(text)
    if not m:
        raise InputError(where, "unreadable covers", cell="column covers", got=text,
                         expected="2024, 2024H2, 2024Q3 or 1998..2022")
    y, part, n, last = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if last:
        return (Span(date(y, 1, 1), date(int(last), 12, 31)),)
    return (_part_span(y, part + n if part else ""),)


def _part_span(year: int, part: str) -> Span:
    if part.startswith("H"):
        first = 1 if part == "H1" else 7
        return Span(date(year, first, 1), date(year, first + 5, 30 if first == 1 else 31))
    if part.startswith("Q"):
        q = int(part[1])
        last = 3 * q
        return Span(date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1]))
    return Span(date(year, 1, 1), date(year, 12, 31))


def _read(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise InputError(path, "unexpected header", line=1, got=reader.fieldnames, expected=",".join(columns))
        return [{k: (v or "").strip() for k, v in r.items()} | {"_line": str(reader.line_num)} for r in reader]


@cache
def load_rules(data_dir: Path = settings.DATA_DIR) -> Rules:
    """The link rules and kinds of ``data_dir/taxonomy``; a bad row stops with file and line."""
    kinds_path = data_dir / "taxonomy" / "link_kinds.csv"
    rules_path = data_dir / "taxonomy" / "link_rules.csv"
    kinds: dict[str, Kind] = {}
    for r in _read(kinds_path, KIND_COLUMNS):
        if r["href"] not in HREF or r["numbers"] not in ("true", "false") or not r["rank"].isdigit():
            raise InputError(kinds_path, "bad link kind", line=int(r["_line"]),
                             expected="rank a number, href plain|labelled|never, numbers true|false")
        kinds[r["kind"]] = Kind(r["kind"], int(r["rank"]), r["href"], r["numbers"] == "true")
    for needed in ("document", "homepage", "none"):
        if needed not in kinds:
            raise InputError(kinds_path, f"link kind {needed!r} missing")
    rules = []
    for r in _read(rules_path, RULE_COLUMNS):
        line = int(r["_line"])
        if r["applies_to"] not in APPLIES_TO:
            raise InputError(rules_path, "unknown applies_to", line=line, got=r["applies_to"],
                             expected=" | ".join(sorted(APPLIES_TO)))
        if r["kind"] not in kinds:
            raise InputError(rules_path, "unknown link kind", line=line, got=r["kind"],
                             expected=f"one of {', '.join(kinds)} ({kinds_path.name})")
        if kinds[r["kind"]].href == "labelled" and not r["label"]:
            raise InputError(rules_path, f"a {r['kind']} rule needs the label the site shows", line=line)
        try:
            pattern = re.compile(r["pattern"], re.I)
        except re.error as exc:
            raise InputError(rules_path, f"unreadable pattern: {exc}", line=line, got=r["pattern"]) from exc
        rules.append(Rule(r["applies_to"], pattern, r["kind"], r["publication"], r["label"],
                          _span_from_covers(r["covers"], f"{rules_path} line {line}")))
    return Rules(tuple(rules), kinds)


def addresses(text: str | None) -> list[str]:
    """Every http(s) address in a source field, in order, without trailing punctuation and
    with a fully qualified host's trailing dot removed ('fudzilla.com./x' -> 'fudzilla.com/x')."""
    out = []
    for u in URL_RE.findall(text or ""):
        u = u.rstrip(".,;")
        parts = urlsplit(u)
        if parts.netloc.endswith("."):
            u = u.replace(parts.netloc, parts.netloc.rstrip("."), 1)
        out.append(u)
    return out


def annotation(text: str | None) -> str:
    """What a source field says besides its addresses ('(inferred)', 'not captured (...)')."""
    rest = URL_RE.sub(" ", text or "").replace("|", " ")
    return " ".join(rest.split())


def named_spans(url: str, rules: Rules | None = None) -> tuple[Span, ...]:
    """The periods an address names in its path, query or fragment (not its host): an end
    date, a half or quarter with its year, or a bare year. A rule's ``covers`` replaces them."""
    for r in (rules.rules if rules else ()):
        if r.applies_to == "url" and r.covers and r.pattern.search(url):
            return r.covers
    parts = urlsplit(url)
    text = unquote(parts.path + ("?" + parts.query if parts.query else "")).lower()  # "%2028%20August" is "28 August"
    frag = parts.fragment.lower()
    spans: list[Span] = []
    for rx in _DATES:  # dates: an end date names its period; any other date is a publication date
        for m in rx.finditer(text):
            g = m.groups()
            y, mo, d = (int(g[0]), int(g[1]), int(g[2])) if len(g[0]) == 4 else (int(g[2]), int(g[0]), int(g[1]))
            try:
                spans.append(Span(date(y, mo, d), date(y, mo, d), exact_end=True))
            except ValueError:
                pass
        text = rx.sub(" ", text)
    for source in (text, frag):
        for rx, part, yi, ni in _PARTS:
            for m in rx.finditer(source):
                year = int(m.group(yi))
                name = part if ni == 0 else part + m.group(ni)
                spans.append(_part_span(year, name))
            source = rx.sub(" ", source)
        year_rx = _YEAR if source is text else _FRAGMENT_YEAR
        spans.extend(_part_span(int(y), "") for y in year_rx.findall(source))
    return tuple(spans)


def _score(spans: tuple[Span, ...], start: date, end: date) -> int | None:
    """How well an address's named periods fit the row's: 2 the same period (or end date),
    1 a period that contains the row's, 0 another period, None when it names none."""
    if not spans:
        return None
    best = 0
    for s in spans:
        if s.exact_end:
            best = max(best, 2 if s.end == end else 0)
        elif (s.start, s.end) == (start, end):
            best = 2
        elif s.start <= start and end <= s.end:
            best = max(best, 1)
    return best


def _published_after(spans: tuple[Span, ...], end: date) -> bool:
    """A lone address may name the year after the period it reports (its publication year:
    a 2021 news release on 2018-2020 figures)."""
    return any(not s.exact_end and s.start.year == s.end.year == end.year + 1 for s in spans)


def _rule(rules: Rules, applies_to: str, text: str) -> Rule | None:
    return next((r for r in rules.rules if r.applies_to == applies_to and text and r.pattern.search(text)), None)


def _homepage(url: str) -> bool:
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def choose(urls: list[str], start: date | None, end: date | None,
           rules: Rules | None = None) -> tuple[str, str]:
    """(address, how it was chosen) for a row's period from a field's addresses."""
    if not urls:
        return "", "none"
    if start is None or end is None:
        return (urls[0], "only") if len(urls) == 1 else ("", "ambiguous")
    scores = [_score(named_spans(u, rules), start, end) for u in urls]
    if len(urls) == 1:
        if scores[0] == 0 and not _published_after(named_spans(urls[0], rules), end):
            return "", "other_period"
        return urls[0], "only"
    best = max((s for s in scores if s), default=0)
    if not best:
        return "", "no_match"
    winners = [u for u, s in zip(urls, scores) if s == best]
    return (winners[0], "period") if len(winners) == 1 else ("", "ambiguous")


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def resolve(text: str | None, *, title: str = "", note: str = "", start: date | None = None,
            end: date | None = None, when: str = "", rules: Rules | None = None,
            guessed: frozenset[str] = frozenset()) -> DocRef:
    """The document reference a source field gives a row (see the module docstring).
    ``when`` is the date text the reader is shown with an unlinked title ('April 2022');
    ``guessed``: addresses another row's remark or note marks inferred or truncated (a guessed
    address stays a guess wherever it is used)."""
    rules = rules or load_rules()
    urls = addresses(text)
    url, how = choose(urls, start, end, rules)
    remark = annotation(text)
    candidates: list[tuple[Rule | None, str]] = []
    if r := _rule(rules, "annotation", remark):
        candidates.append((r, r.kind))
    considered = url or (urls[0] if len(urls) == 1 else "")
    if urls and not considered:  # several addresses, none for this period: nothing to link
        candidates.append((None, "none"))
    if considered:
        ur = _rule(rules, "url", considered)
        if _homepage(considered) and (ur is None or rules.kinds[ur.kind].href != "never"):
            ur = Rule("url", re.compile(""), "homepage", _host(considered), "address not recorded", ())
        if ur is not None:
            candidates.append((ur, ur.kind))
    if considered in guessed:
        candidates.append((Rule("url", re.compile(""), "inferred", "", "address inferred", ()), "inferred"))
    if r := _rule(rules, "note", note):
        binding = rules.kinds[r.kind].href == "never"
        if binding or not candidates:
            candidates.append((r, r.kind))
    if not urls:
        candidates.append((None, "none"))
    # the most restrictive kind wins; among labelled kinds the remark's, then the address's rule
    never = [c for c in candidates if rules.kinds[c[1]].href == "never"]
    rule, kind = (min(never, key=lambda c: rules.kinds[c[1]].rank) if never
                  else candidates[0] if candidates else (None, "document"))
    k = rules.kinds[kind]
    label = rule.label if rule else ""
    named = next((c[0] for c in candidates if c[0] and c[0].publication), None)
    linked = url if k.href != "never" and url else ""
    number_url = linked if k.numbers and how in ("only", "period") else ""
    return DocRef(url=linked, number_url=number_url, kind=kind, label=label if k.href != "plain" else "",
                  text=_unlinked_text(title, when, kind, named or rule, urls, how), addresses=tuple(urls), choice=how)


_FILE_NAME = re.compile(r"\s+[\w.-]+\.(?:csv|pdf|xlsx|xls|json|zip|txt)$", re.I)


def _unlinked_text(title: str, when: str, kind: str, rule: Rule | None, urls: list[str], how: str) -> str:
    """What the reader is told where no link may be shown (or none fits the row's period)."""
    head = _FILE_NAME.sub("", title.strip())  # a release title that ends in its file name
    if rule and rule.publication and rule.publication.lower() not in head.lower():
        head = f"{rule.publication}, ‘{head}’" if head else rule.publication
    if when and when.lower() not in head.lower():
        head = f"{head}, {when}" if head else when
    article = "article address" if rule and "article" in rule.label else "address"
    if how in ("no_match", "ambiguous", "other_period") and urls:
        why = {"no_match": "none of the addresses given names this period",
               "ambiguous": "several of the addresses given fit this period",
               "other_period": "the address given names another period"}[how]
        listed = ", ".join(_host(u) + urlsplit(u).path for u in urls[:4]) + (", …" if len(urls) > 4 else "")
        return f"{head} – address of this edition not recorded ({why}: {listed})"
    if kind in ("homepage", "none", "truncated", "inferred"):
        extra = {"truncated": " (the address was cut short when read)",
                 "inferred": " (the address was inferred, not read)"}.get(kind, "")
        return f"{head} – {article} not recorded{extra}"
    return head


@cache
def link_address(text: str | None) -> str:
    """The one address of a source field that may be shown as a link ('' for a homepage, a
    truncated or inferred address, or a field of several addresses): for places that show
    a catalog or release address, not a number's document (use the row's doc_* fields)."""
    ref = resolve(text)
    return ref.url


DOC_COLUMNS = ["doc_url", "doc_number_url", "doc_kind", "doc_label", "doc_text", "doc_addresses", "doc_choice"]
_KEYS_SQL = """
SELECT DISTINCT coalesce(nullif(o.source_url, ''), r.url, '') AS field,
       coalesce(nullif(o.source_title, ''), r.title, '') AS title,
       coalesce(o.note, '') AS note,
       CASE WHEN coalesce(o.source_url, '') = '' THEN '' ELSE coalesce(o.period_start, '') END AS period_start,
       CASE WHEN coalesce(o.source_url, '') = '' THEN '' ELSE coalesce(o.period_end, '') END AS period_end
FROM raw_observations AS o LEFT JOIN raw_releases AS r USING (release_id)
UNION SELECT coalesce(source_url, ''), coalesce(source_title, ''), coalesce(note, ''), '', '' FROM raw_claims
UNION SELECT coalesce(source_url, ''), coalesce(label, ''), '', '', '' FROM raw_annotations
UNION SELECT coalesce(url, ''), coalesce(title, ''), '', '', '' FROM raw_releases
"""


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # an unreadable period is reported by the data checks, not here


def create_table(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Table ``doc_refs``: one row per distinct (source field, title, note, period) of the
    loaded observations, statements, annotations and releases, with the document reference
    it resolves to. A field of a release (a row without its own source_url) is one
    document, whatever period the row has: no period is passed for it."""
    rules = load_rules(data_dir)
    keys = con.execute(_KEYS_SQL).fetchall()
    rows = []
    refs = [resolve(f, title=t, note=n, start=_iso(s), end=_iso(e), rules=rules) for f, t, n, s, e in keys]
    guessed = frozenset(a for ref in refs if ref.kind in ("inferred", "truncated") for a in ref.addresses[:1])
    for field_text, title, note, start, end in keys:
        ref = resolve(field_text, title=title, note=note, start=_iso(start), end=_iso(end), rules=rules,
                      guessed=guessed)
        rows.append([field_text, title, note, start, end, ref.url, ref.number_url, ref.kind, ref.label, ref.text,
                     " | ".join(ref.addresses), ref.choice])
    cols = ", ".join(f"{c} VARCHAR" for c in ["field", "title", "note", "period_start", "period_end", *DOC_COLUMNS])
    con.execute(f"CREATE OR REPLACE TABLE doc_refs ({cols})")
    if rows:  # one column per parameter, unnested side by side (executemany is row by row, ~100x slower)
        columns = [list(c) for c in zip(*rows)]
        con.execute("INSERT INTO doc_refs SELECT " + ", ".join(f"unnest(${i + 1}::VARCHAR[])" for i in range(len(columns))),
                    columns)
