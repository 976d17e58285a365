"""Reading the built site as a reader does: the sentences of every page, the periods and
numbers a sentence names, and the comparability breaks (data/taxonomy/breaks.csv) that
concern it. Used by tests/test_sentences.py; independent of the code that writes the site,
so that a sentence written any other way is checked too."""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO

SKIP_TAGS = {"script", "style", "svg", "table", "nav", "header", "footer", "code", "pre", "head", "title"}
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote", "dd", "dt", "div", "span",
              "summary", "details", "section", "article", "figure", "ul", "ol", "br"}
_MON = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_MONTH_NUM = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_MONTH_FULL = {m: i for i, m in enumerate(calendar.month_name) if m}
# '2021Q2', '2024H1', '2023', 'Apr-Jun 2023', 'Jul–Dec 2021', 'Mar 2021', 'April 2022', '2024-01-01'
_NOT_IN_PATH_BEFORE = r"(?<![\w/.-])"
_NOT_IN_PATH_AFTER = r"(?![\w/-]|\.\w)"
_P = (rf"(?:(?:19|20)\d\d-\d\d-\d\d"
      rf"|\d{{1,2}}\s(?:{'|'.join(_MONTH_FULL)}|{_MON})\.?\s(?:19|20)\d\d"
      rf"|(?:{_MON})[a-z]*\s?[-–]\s?(?:{_MON})[a-z]*\.?\s(?:19|20)\d\d"
      rf"|(?:{'|'.join(_MONTH_FULL)}|{_MON})\.?\s(?:19|20)\d\d"
      rf"|(?:19|20)\d\d(?:Q[1-4]|H[12])?)")
PERIOD = re.compile(_NOT_IN_PATH_BEFORE + _P + _NOT_IN_PATH_AFTER)
# a run of periods ('2017Q4 to 2025Q4', 'between 2019 and 2024') is one span, not two periods compared
SPAN = re.compile(rf"(?:from\s|between\s)?{_NOT_IN_PATH_BEFORE}{_P}\s?(?:to|and|–|-)\s?{_P}{_NOT_IN_PATH_AFTER}")
EDITION = re.compile(rf"(?:the\s)?{_NOT_IN_PATH_BEFORE}{_P}(?:\s(?:to|and|–)\s(?:the\s)?{_P})?\s(?:edition|editions)\b"
                     rf"|\beditions?\s(?:from\s)?(?:the\s)?{_P}(?:\s(?:to|and|–)\s(?:the\s)?{_P})?"
                     rf"|{_NOT_IN_PATH_BEFORE}{_P}\s\S+\.(?:csv|pdf|xlsx|json)\b")  # '2024Q2 meta-2024-q2.csv' names an edition
# lines that list sources, dates of events or downloads: they compare no figures
PROVENANCE = ("Source:", "Sources:", "Data:", "Cite", "Via ", "Licence", "Download", "Marked events:")
NUMBER = re.compile(r"\d")


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def period_span(token: str) -> tuple[date, date] | None:
    """The first and last day of a period as a sentence writes it."""
    t = token.strip()
    if m := re.fullmatch(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", t):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    if m := re.fullmatch(r"((?:19|20)\d\d)Q([1-4])", t):
        y, q = int(m[1]), int(m[2])
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    if m := re.fullmatch(r"((?:19|20)\d\d)H([12])", t):
        y, h = int(m[1]), int(m[2])
        return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))
    if re.fullmatch(r"(?:19|20)\d\d", t):
        y = int(t)
        return date(y, 1, 1), date(y, 12, 31)
    if m := re.fullmatch(rf"({_MON})[a-z]*\s?[-–]\s?({_MON})[a-z]*\.?\s((?:19|20)\d\d)", t):
        y = int(m[3])
        return date(y, _MONTH_NUM[m[1]], 1), _month_end(y, _MONTH_NUM[m[2]])
    if m := re.fullmatch(r"(\d{1,2})\s([A-Z][a-z]+)\.?\s((?:19|20)\d\d)", t):
        mon = _MONTH_FULL.get(m[2]) or _MONTH_NUM.get(m[2][:3])
        if mon:
            d = date(int(m[3]), mon, int(m[1]))
            return d, d
    if m := re.fullmatch(r"([A-Z][a-z]+)\.?\s((?:19|20)\d\d)", t):
        mon = _MONTH_FULL.get(m[1]) or _MONTH_NUM.get(m[1][:3])
        if mon:
            y = int(m[2])
            return date(y, mon, 1), _month_end(y, mon)
    return None


class _Text(HTMLParser):
    """Text of the page's main content, block by block, without tables, scripts or
    navigation; each block with the text of the source list of the figure it is in (a reader
    knows whose numbers a chart shows)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int]] = []     # (text, figure number or -1)
        self.figure_sources: dict[int, str] = {}
        self._buf: list[str] = []
        self._skip = 0
        self._in_main = 0
        self._figure = -1
        self._n_figures = 0
        self._in_source = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append((text, self._figure))
            if self._in_source and self._figure >= 0:
                self.figure_sources[self._figure] = self.figure_sources.get(self._figure, "") + " " + text
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = (dict(attrs).get("class") or "").split()
        if tag == "article" or "md-content" in cls:
            self._in_main += 1
        if tag == "figure":
            self._flush()
            self._figure = self._n_figures
            self._n_figures += 1
        if "pew-source" in cls:
            self._in_source += 1
        if tag in SKIP_TAGS:
            self._skip += 1
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in BLOCK_TAGS or tag == "figure":
            self._flush()
        if tag == "div" and self._in_source:
            self._in_source = 0
        if tag == "figure":
            self._figure = -1
        if tag == "article" and self._in_main:
            self._in_main -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and self._in_main:
            self._buf.append(data)


def split(block: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(])", block) if s.strip()]


def sentences(html: str) -> list[str]:
    """The sentences of a page's main content (tables, navigation and code left out)."""
    return [s for s, _ in sentences_in_context(html)]


def sentences_in_context(html: str) -> list[tuple[str, str]]:
    """(sentence, the source list of the figure it belongs to, or '')."""
    p = _Text()
    p.feed(html)
    p._flush()
    return [(s, p.figure_sources.get(fig, "")) for block, fig in p.blocks for s in split(block)]


@dataclass(frozen=True)
class Break:
    break_id: str
    date: date
    until: date | None          # end of a closed stretch, or None (open-ended)
    sources: tuple[str, ...]
    names: tuple[str, ...]      # words that put a sentence in the break's scope (platforms, source)
    areas: tuple[str, ...]      # area words; () = every area
    caveat: str


AREA_WORDS = {
    "hate_speech": ("hate speech", "hateful"),
    "child_sexual_exploitation": ("child", "csam", "cybertipline", "minor", "exploitation"),
    "child_safety_other": ("child", "minor", "nudity"),
}
# words naming a third party's count: a sentence that names one is about that source, not the platform's own report
SOURCE_WORDS = {"ncmec_esp": ("NCMEC", "CyberTipline"), "diaphanous": ("Diaphanous",),
                "eu_coc_hate_speech": ("Code of Conduct",), "dsa_tdb": ("DSA Transparency Database", "statements of reasons"),
                "independent_tests": ("researchers", "test", "tests")}
OTHER_AREA_WORDS = ("hate", "hateful", "child", "csam", "terror", "extremis", "bullying", "harassment", "nudity",
                    "violence", "spam", "suicide", "misinformation")


def load_breaks(data_dir: Path = REPO / "data") -> list[Break]:
    tax = data_dir / "taxonomy"
    with (tax / "platform_labels" / "common.csv").open(encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    with (tax / "platforms.csv").open(encoding="utf-8") as fh:
        platforms = list(csv.DictReader(fh))
    import yaml

    catalog = yaml.safe_load((data_dir / "catalog" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    out = []
    with (tax / "breaks.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            pids = r["platforms"].split(";")
            sources = r["sources"].split(";")
            if "*" in pids:
                names = [catalog[s]["short"] for s in sources if s in catalog]
                names += ["CyberTipline"] if "ncmec_esp" in sources else []
            else:
                names = [x["label"] for x in labels if x["platform_id"] in pids]
                names += [x["name"] for x in platforms if x["platform_id"] in pids]
            areas = () if "*" in r["policy_areas"].split(";") else tuple(
                w for a in r["policy_areas"].split(";") for w in AREA_WORDS.get(a, (a.replace("_", " "),)))
            out.append(Break(r["break_id"], date.fromisoformat(r["date"]),
                             date.fromisoformat(r["until"]) if r["until"] else None, tuple(sources),
                             tuple(sorted(set(names))), areas, r["caveat"]))
    return out


def _mentions(sentence: str, words: tuple[str, ...], prefix: bool = False) -> bool:
    low = sentence.lower()
    end = "" if prefix else r"(?![\w-])"
    return any(re.search(rf"(?<![\w-]){re.escape(w.lower())}{end}", low) for w in words)


def crossing(sentence: str, b: Break, context: str = "") -> bool:
    """Whether a sentence compares figures of two periods on either side of a break that
    concerns what it is about (its platform or source, and its policy area): it names a
    number and at least two periods (a run such as '2019 to 2024' counts once), and the
    break lies between the earliest and the latest period it names."""
    if sentence.startswith(PROVENANCE):
        return False
    text = EDITION.sub(" ", sentence)
    runs = [m.group(0) for m in SPAN.finditer(text)]
    single = SPAN.sub(" ", text)
    tokens = [m.group(0) for m in PERIOD.finditer(single)]
    spans = [s for s in (period_span(t) for t in tokens) if s]
    for run in runs:
        spans += [s for s in (period_span(t) for t in re.findall(_P, run)) if s]
    if len(spans) < 2 or len(tokens) + len(runs) < 2:
        return False
    if not NUMBER.search(PERIOD.sub(" ", single)):
        return False
    if not _mentions(sentence, b.names):
        return False
    third = [s for s in SOURCE_WORDS if _mentions(sentence, SOURCE_WORDS[s])] or \
        [s for s in SOURCE_WORDS if _mentions(context, SOURCE_WORDS[s])]
    if third and not set(third) & set(b.sources):
        return False  # about a third party's count that this break does not concern
    if not third and all(s in SOURCE_WORDS for s in b.sources):
        return False  # the break concerns a third party's count and the sentence names none
    if b.areas and not _mentions(sentence, b.areas, prefix=True) and _mentions(sentence, OTHER_AREA_WORDS, prefix=True):
        return False
    ends = [end for _, end in spans]
    inside = [b.date <= e and (b.until is None or e <= b.until) for e in ends]
    return len(set(inside)) > 1


def missing_caveats(sentence: str, breaks: list[Break], context: str = "") -> list[Break]:
    return [b for b in breaks if crossing(sentence, b, context) and b.caveat.lower() not in sentence.lower()]
