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
    caveat: str

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
            body = f"“{body}” (as published)"
        return f"{self.qualifier} {body}".strip()

    def place(self) -> str:
        """What has to follow the number so that it is not read as worldwide or overall."""
        parts = [p for p in (self.task, f"in {self.geography}" if self.geography else "") if p]
        return ", ".join(parts)

    def full(self) -> str:
        unit = "" if self.unit in ("", "%") else f" {self.unit}"
        place = self.place()
        return f"{self.number()}{unit}" + (f" ({place})" if place else "")


def _geo_name(code: str | None, names: Mapping[str, str], label: str = "") -> str:
    if not code or code == "global":
        return ""
    return names.get(code) or label or code


# published policy labels that mean "every policy": a reader must not take them for a place
TOTAL_LABELS = {"ALL": "all policies combined", "ALL categories": "all categories combined"}


def policy_name(label: str | None) -> str:
    """A published policy label as a reader should see it ('ALL' is the total of all policies)."""
    return TOTAL_LABELS.get(label or "", label or "")


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
            text=str(r.get("value_text") or r.get("value_as_published") or "")
            if (r.get("value_status") or "reported") != "reported" else "",
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

    def slot(self, f: Fact, attr: str | None) -> str:
        if attr == "n":  # the number alone still says where and for which task it holds
            return f.number() + (f" ({f.place()})" if f.place() else "")
        if attr == "period":
            return f.period
        if attr == "who":
            return f.who
        if attr == "unit":
            return "" if f.unit == "%" else f.unit
        return f.full()

    def write(self, finding: Finding) -> Written:
        """The sentence, with the caveat of every break it crosses inside it."""
        self._check(finding)
        text = _SLOT.sub(lambda m: self.slot(finding.facts[m.group(1)], m.group(2)), finding.template).strip()
        crossed = self.crossed(finding.facts.values())
        caveats = [b.caveat for b in crossed] + ([finding.caveat] if finding.caveat else [])
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


def with_period(f: Fact, period: str) -> Fact:
    return replace(f, period=period)
