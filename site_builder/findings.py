"""Findings: what a generated sentence states, as one typed object, and the one renderer
that writes it.

Every sentence on the site that states or compares numbers (a chart's title and takeaway, a
headline, a "Quote this" text, a chart description, say-vs-do evidence) is a
:class:`Finding`: the :class:`Fact` values it quotes (number, unit, period, platform, place,
moderation task, "at least"/"more than"), what kind of statement it makes and the caveat
that must travel with it. :class:`Writer` is the only code that turns findings into text:

* each fact is written with every qualifier that changes what its number means (a figure
  for the United States says so, a rate for human moderation says so, "at least" stays);
* whether two facts may be compared is decided from data (``data/taxonomy/breaks.csv``):
  a comparison across a break is written with the break's caveat inside the same sentence,
  and a comparison of facts whose units or definitions differ is refused;
* the rows a sentence quotes travel with it, so every number links to its document.

A finding's template names its facts in braces: ``{fb}`` writes the number with its unit
and qualifiers, ``{fb.n}`` only the number (with "at least"/"about"), ``{fb.period}`` its
period, ``{fb.who}`` the platform as published. Both number forms carry the fact's place and
moderation task ('5,175,233 (in the United States)'), so neither can be dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from site_builder import fmt
from site_builder.errors import BuildError

Row = dict[str, Any]
QUALIFIER_WORDS = {"upper_bound": "at most", "lower_bound": "at least", "approx": "about", "more_than": "more than"}
# kinds of statement; the comparing ones are refused when the facts cannot be compared
COMPARING = {"change", "ranking", "extremes", "versus"}
KINDS = COMPARING | {"level", "levels", "part_of", "pair", "tally"}
_SLOT = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
_TASK = re.compile(r"\(task_type:\s*([^)]+)\)", re.I)


@dataclass(frozen=True)
class Break:
    """A point in time after which a source's figures (for some platforms and policy areas)
    are not comparable with those before (one row of data/taxonomy/breaks.csv)."""

    break_id: str
    date: date
    until: date | None             # a closed stretch (lines that combined companies in 2019-2020), or open-ended
    sources: tuple[str, ...]
    platforms: tuple[str, ...]
    areas: tuple[str, ...]
    label: str
    caveat: str                    # the clause every sentence comparing across the break carries
    short_caveat: str = ""         # the shorter clause a chart title carries instead

    def applies(self, f: Fact) -> bool:
        def hit(listed: tuple[str, ...], value: str) -> bool:
            return "*" in listed or value in listed

        return hit(self.sources, f.source) and hit(self.platforms, f.platform_id) and hit(self.areas, f.area)

    def inside(self, f: Fact) -> bool:
        """Whether a fact's period falls in the stretch the break sets apart (a period that
        contains the break date counts as inside)."""
        return bool(f.end) and self.date <= f.end and (self.until is None or f.end <= self.until)

    def between(self, a: Fact, b: Fact) -> bool:
        """Whether two facts it applies to lie on either side of this break."""
        return self.applies(a) and self.applies(b) and self.inside(a) != self.inside(b)

    def after(self, f: Fact) -> bool:
        return self.applies(f) and self.inside(f)


@dataclass(frozen=True)
class Fact:
    """One published number as a sentence states it."""

    value: float | None
    unit: str = ""                 # as readers say it: 'pieces of content', 'reports', '%'
    period: str = ""               # '2025Q4', '2023', 'Jul–Dec 2021'
    who: str = ""                  # the platform as the source names it
    geography: str = ""            # '' for worldwide; else the place's name
    task: str = ""                 # moderation task or surface ('human moderation')
    qualifier: str = ""            # 'at least', 'more than', 'about', 'at most'
    status: str = "reported"       # reported | range | not_reported | not_numeric
    text: str = ""                 # the number as written when it is not a plain value
    style: str = "short"           # short ('9.4 million') | count ('9,400,000') | percent
    source: str = ""               # source id, platform id and policy area: where breaks apply
    platform_id: str = ""
    area: str = ""
    measure: str = ""              # harmonised metric id: facts of different measures are not ranked
    end: date | None = None        # last day of the period
    row: Row | None = field(default=None, compare=False)  # provenance, for the link

    def number(self) -> str:
        """The number with its bound word ('at least 10.8 million', '4% to 5%')."""
        if self.status in ("range", "not_numeric", "not_reported") or self.value is None:
            body = self.text or "not reported"
        elif self.unit == "%" or self.style == "percent":
            body = fmt.percent(self.value)
        elif self.style == "count":
            body = fmt.count(self.value)
        else:
            body = fmt.short(self.value)
        if self.status == "not_numeric":
            body = f"{body} (as published)"
        return f"{self.qualifier} {body}".strip()

    def place(self) -> str:
        """What has to follow the number so that it is not read as worldwide or overall."""
        parts = [p for p in (self.task, f"in {self.geography}" if self.geography else "") if p]
        return ", ".join(parts)

    def unit_text(self) -> str:
        """The unit as it follows this number: singular for exactly one ('1 report')."""
        if self.unit in ("", "%"):
            return ""
        if self.value == 1 and self.status == "reported" and not self.qualifier:
            if self.unit.startswith("pieces of "):
                return "piece of " + self.unit.removeprefix("pieces of ")
            words = self.unit.split(" ")
            if words[-1].endswith("s") and not words[-1].endswith("ss"):
                return " ".join(words[:-1] + [words[-1][:-1]])
        return self.unit

    def full(self) -> str:
        unit = f" {self.unit_text()}" if self.unit_text() else ""
        place = self.place()
        return f"{self.number()}{unit}" + (f" ({place})" if place else "")


def _as_written(r: Row) -> str:
    """The number as written when it is not one plain value: a range as formatted, a value
    that is not a number as published."""
    status = r.get("value_status") or "reported"
    if status == "not_numeric":
        return str(r.get("value_as_published") or "")
    if status in ("range", "not_reported"):
        return str(r.get("value_text") or r.get("value_as_published") or "")
    return ""


def _geo_name(code: str | None, names: Mapping[str, str], label: str = "") -> str:
    if not code or code == "global":
        return ""
    return names.get(code) or label or code


# published policy labels that mean "every policy": a reader must not take them for a place
TOTAL_LABELS = {"ALL": "all policies combined", "ALL categories": "all categories combined"}


def policy_name(label: str | None) -> str:
    """A published policy label as a reader should see it ('ALL' is the total of all policies)."""
    return TOTAL_LABELS.get(label or "", label or "")


_BOUND_NOTE = re.compile(r"\s*\((?:more than|approx\.?|about|at least|at most|lower bound|upper bound)\)", re.I)


def plain_label(label: str | None) -> str:
    """A published metric label without the bound it notes in brackets ('videos removed (more
    than)' -> 'videos removed'): the fact's qualifier already says 'more than' once."""
    return _BOUND_NOTE.sub("", label or "").strip()


def task_of(metric_label: str | None) -> str:
    """The moderation task a published metric label names ('… (task_type: Human moderation)')."""
    m = _TASK.search(metric_label or "")
    return m.group(1).strip().lower() if m else ""


@dataclass(frozen=True)
class Finding:
    """A statement about facts: its kind, its template, the facts it names and any caveat
    that must stay with it whatever page or quote it ends up in."""

    kind: str
    template: str
    facts: Mapping[str, Fact]
    caveat: str = ""               # a caveat of the statement itself (e.g. units differ)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise BuildError(f"unknown kind of finding {self.kind!r}; expected one of {sorted(KINDS)}")
        for name, attr in _SLOT.findall(self.template):
            if name not in self.facts:
                raise BuildError(f"finding template names {{{name}}} but no fact of that name: {self.template!r}")
            if attr and attr not in ("n", "period", "who", "unit"):
                raise BuildError(f"finding template slot {{{name}.{attr}}}: expected .n, .period, .who or .unit")


@dataclass(frozen=True)
class Written:
    """A finding written out: the plain sentence and the rows its numbers come from."""

    text: str
    rows: tuple[Row, ...]
    breaks: tuple[Break, ...] = ()
    verdict: str = "comparable"    # comparable | across_break


class Writer:
    """The one renderer of findings. Holds the breaks and place names read from data."""

    def __init__(self, breaks: Sequence[Break] = (), geo_names: Mapping[str, str] | None = None) -> None:
        self.breaks = tuple(sorted(breaks, key=lambda b: (b.date, b.break_id)))
        self.geo_names = dict(geo_names or {})

    # --- facts from rows -----------------------------------------------------------------

    def fact(self, r: Row, *, style: str = "short", unit: str | None = None, who: str | None = None) -> Fact:
        """A fact from a series row (``Ctx.points`` rows or rows of the same shape)."""
        pct = r.get("unit_kind") == "percent"
        unit_display = r.get("unit_display") or r.get("unit") or ""
        end = r.get("period_end")
        return Fact(
            value=r.get("value"),
            unit="%" if pct else (unit if unit is not None else unit_display),
            period=r.get("period") or "",
            who=who if who is not None else (r.get("platform_label") or r.get("platform_name") or ""),
            geography=_geo_name(r.get("geography"), self.geo_names, str(r.get("geography_label") or "")),
            task=task_of(r.get("metric_label")),
            qualifier=r.get("qualifier_word") or QUALIFIER_WORDS.get(r.get("qualifier") or "", ""),
            status=r.get("value_status") or "reported",
            text=_as_written(r),
            style="percent" if pct else style,
            source=r.get("source_id") or "", platform_id=r.get("platform_id") or "", area=r.get("policy_area") or "",
            measure=r.get("metric_id") or "",
            end=date.fromisoformat(str(end)[:10]) if end else None,
            row=r,
        )

    # --- comparability -------------------------------------------------------------------

    def crossed(self, facts: Iterable[Fact]) -> tuple[Break, ...]:
        """Breaks that lie between any two of the facts."""
        fs = [f for f in facts if f.end]
        out = []
        for b in self.breaks:
            if any(b.between(x, y) for i, x in enumerate(fs) for y in fs[i + 1:]):
                out.append(b)
        return tuple(out)

    def break_after(self, f: Fact) -> Break | None:
        """The latest break that applies to a fact and whose stretch holds its period."""
        hits = [b for b in self.breaks if b.after(f)]
        return hits[-1] if hits else None

    def _check(self, finding: Finding) -> None:
        """Refuse comparisons of facts whose units or measures differ."""
        if finding.kind not in ("ranking", "change", "extremes"):
            return
        facts = list(finding.facts.values())
        units = {(f.unit, f.measure) for f in facts}
        if len(units) > 1:
            raise BuildError(f"finding compares facts of different units or measures ({sorted(units)}): "
                             f"{finding.template!r}; write them as a pair or not at all")

    # --- writing -------------------------------------------------------------------------

    def slot(self, f: Fact, attr: str | None, placed: set[str] | None = None) -> str:
        """One slot of a template. A number says where and for which task it holds, once per
        sentence: a second number of the same place does not repeat it."""
        place = f.place()
        said = placed is not None and place in placed
        if placed is not None and place and attr in (None, "n"):
            placed.add(place)  # only a number says its place: '{x.period}' or '{x.who}' do not
        if attr == "n":
            return f.number() + (f" ({place})" if place and not said else "")
        if attr == "period":
            return f.period
        if attr == "who":
            return f.who
        if attr == "unit":
            return f.unit_text()
        if said:
            unit = f" {f.unit_text()}" if f.unit_text() else ""
            return f"{f.number()}{unit}"
        return f.full()

    def title(self, finding: Finding) -> str:
        """A chart title stating a finding: the sentence without its final full stop, with the
        short caveat of any break it crosses."""
        return self.write(finding, short=True).text.rstrip(".")

    def write(self, finding: Finding, short: bool = False) -> Written:
        """The sentence, with the caveat of every break it crosses inside it."""
        self._check(finding)
        placed: set[str] = set()
        text = _SLOT.sub(lambda m: self.slot(finding.facts[m.group(1)], m.group(2), placed), finding.template).strip()
        crossed = self.crossed(finding.facts.values())
        caveats = [(b.short_caveat or b.caveat) if short else b.caveat for b in crossed] + \
            ([finding.caveat] if finding.caveat and not short else [])
        body = text.rstrip(". ")
        if caveats:
            body += " (" + "; ".join(c.rstrip(".") for c in caveats) + ")"
        rows = tuple(f.row for f in finding.facts.values() if f.row is not None)
        return Written(text=body + ".", rows=rows, breaks=crossed,
                       verdict="across_break" if crossed else "comparable")

    def sentences(self, findings: Iterable[Finding | None]) -> Written:
        """Several findings as one paragraph (each its own sentence)."""
        done = [self.write(f) for f in findings if f is not None]
        return Written(text=" ".join(w.text for w in done), rows=tuple(r for w in done for r in w.rows),
                       breaks=tuple(b for w in done for b in w.breaks),
                       verdict="across_break" if any(w.breaks for w in done) else "comparable")

    # --- common shapes -------------------------------------------------------------------

    def segments(self, facts: Sequence[Fact]) -> list[tuple[Break | None, list[Fact]]]:
        """A series cut at the breaks that apply to it: (break it follows or None, facts)."""
        out: list[tuple[Break | None, list[Fact]]] = []
        for f in sorted(facts, key=lambda f: f.end or date.min):
            b = self.break_after(f)
            if not out or out[-1][0] != b:
                out.append((b, []))
            out[-1][1].append(f)
        return out

    def describe(self, name: str, facts: Sequence[Fact], each: str = "period") -> Written:
        """A chart description of one series: per stretch between breaks, its span, highest,
        lowest and latest value; a stretch after a break opens with the break. ``each`` names
        what the points are ('period', or 'edition' when one figure is followed across editions)."""
        def at(p: str) -> str:
            return f"the {p} edition" if each == "edition" else p

        parts = []
        for b, seg in self.segments([f for f in facts if f.value is not None]):
            lead = f"{name}" + (f", after {b.label}" if b else "")
            if len(seg) == 1:
                parts.append(Finding("level", f"{lead}: {{a}} in {at(seg[0].period)}", {"a": seg[0]}))
                continue
            hi = max(seg, key=lambda f: (f.value or 0, f.end or date.min))
            lo = min(seg, key=lambda f: (f.value or 0, f.end or date.min))
            first, last = (at(p) for p in fmt.span(seg[0].period, seg[-1].period))
            parts.append(Finding(
                "extremes", f"{lead}: {fmt.plural(len(seg), each)} from {first} to {last}; highest {{hi}} "
                            f"in {at(hi.period)}, lowest {{lo}} in {at(lo.period)}, latest {{last}} in {at(seg[-1].period)}",
                {"hi": hi, "lo": lo, "last": seg[-1]}))
        return self.sentences(parts)


    def trend(self, subject: str, facts: Sequence[Fact]) -> Finding | None:
        """What a series did, as a chart title states it, within its latest stretch between
        breaks (None unless that stretch has two or more values): rose (from the period before), fell from its peak,
        rose from its low, or stayed within a band. ``subject`` names the series in words
        ('Facebook's removals under 'Child Endangerment: Sexual Exploitation''). None when no
        stretch has two values."""
        segs = self.segments([f for f in facts if f.value is not None])
        # only the latest stretch: a trend that ends before the latest value is stale
        if not segs or len(segs[-1][1]) < 2:
            return None
        seg = segs[-1][1]
        last, prev = seg[-1], seg[-2]
        hi = max(seg, key=lambda f: (f.value or 0, f.end or date.min))
        lo = min(seg, key=lambda f: (f.value or 0, f.end or date.min))
        v, p_, h, low = (f.value or 0 for f in (last, prev, hi, lo))
        fs = {"last": last, "prev": prev, "hi": hi, "lo": lo}
        if hi is last and p_ > 0 and v >= 1.25 * p_:
            return Finding("change", f"{subject} rose {growth(v / p_)} from {{prev.n}} in {{prev.period}} to {{last.n}} "
                                     "in {last.period}", fs)
        if hi is not last and lo is not last and (lo.end or date.min) > (hi.end or date.min) and low > 0 \
                and v >= 1.25 * low and v <= 0.8 * h:
            # fell from a peak to a low and has been rising since: both moves are the story
            return Finding("change", f"{subject} rose to {{last.n}} in {{last.period}} from a low of {{lo.n}} in "
                                     "{lo.period}, after falling from a peak of {hi.n} in {hi.period}", fs)
        if hi is not last and v <= 0.8 * h:
            return Finding("change", f"{subject} fell to {{last.n}} in {{last.period}} from a peak of {{hi.n}} in "
                                     "{hi.period}", fs)
        if lo is not last and low > 0 and v >= 1.25 * low:
            return Finding("change", f"{subject} rose to {{last.n}} in {{last.period}} from a low of {{lo.n}} in "
                                     "{lo.period}", fs)
        first = seg[0]
        if hi.number() == lo.number():
            return Finding("level", f"{subject} was {{hi.n}} in every period from {first.period} to {{last.period}}", fs)
        return Finding("extremes", f"{subject} stayed between {{lo.n}} and {{hi.n}} from {first.period} to "
                                   "{last.period}", fs)


    def by_period(self, lead: str, items: Sequence[tuple[str, Fact]]) -> list[Finding]:
        """Latest values of several platforms, one sentence per period they share: a sentence
        never puts one platform's figure before a break next to another's after it.
        ``items``: (words before the number, fact)."""
        groups: dict[str, list[tuple[str, Fact]]] = {}
        for words, f in items:
            groups.setdefault(f.period, []).append((words, f))
        ordered = sorted(groups.items(), key=lambda g: (-max((f.end or date.min).toordinal() for _, f in g[1]), g[0]))
        out = []
        for i, (period, group) in enumerate(ordered):
            facts = {f"f{j}": f for j, (_, f) in enumerate(group)}
            body = "; ".join(f"{words} {{f{j}}}" for j, (words, _) in enumerate(group))
            out.append(Finding("levels", (f"{lead} in {period}: " if i == 0 else f"In {period}: ") + body, facts))
        return out

    def story(self, subject: str, facts: Sequence[Fact]) -> Finding | None:
        """A series across its latest break, when it has values on both sides: its peak and
        last value before the break and its latest value after it. The sentence compares across
        the break, so it carries the break's caveat (the renderer adds it)."""
        segs = self.segments([f for f in facts if f.value is not None])
        if len(segs) < 2 or segs[-1][0] is None:
            return self.trend(subject, facts)
        before, after = segs[-2][1], segs[-1][1]
        hi = max(before, key=lambda f: (f.value or 0, f.end or date.min))
        pre, last = before[-1], after[-1]
        fs = {"hi": hi, "pre": pre, "last": last}
        if hi is pre:
            return Finding("change", f"{subject} went from {{pre.n}} in {{pre.period}} to {{last.n}} in {{last.period}}", fs)
        verb = "fell" if (last.value or 0) < (pre.value or 0) < (hi.value or 0) else "went"
        return Finding("change", f"{subject} {verb} from {{hi.n}} at the {{hi.period}} peak to {{pre.n}} in {{pre.period}} "
                                 "and {last.n} in {last.period}", fs)


def growth(ratio: float) -> str:
    """8.88 -> 'nearly ninefold', 2.0 -> 'twofold', 1.4 -> 'by 40%'."""
    if ratio < 2:
        return f"by {round((ratio - 1) * 100)}%"
    n = round(ratio)
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    base = f"{words[n]}fold" if n in words else f"{n}-fold"
    if abs(ratio - n) < 0.05:
        return base
    return ("nearly " if ratio < n else "more than ") + base


def with_period(f: Fact, period: str) -> Fact:
    return replace(f, period=period)
