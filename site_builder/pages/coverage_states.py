"""The words for what is known about a measure or a period, shared by the coverage page and
the platforms' "does not report" tables. Four cases, from data (figures in this site, and
data/coverage_checks.csv through mart coverage_gaps):

* published, in this site (there are figures);
* published, not collected here (a check says the publisher published it; where, when known);
* not published (a check says it was checked and not published; when, when recorded);
* not collected here: no check covers it, so whether it was published is not known. Never
  "not published" without a check that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from site_builder import docref, fmt
from site_builder.periods import month_end

IN_SITE, ELSEWHERE, NOT_PUBLISHED, NOT_COLLECTED = ("in_site", "published_not_collected", "not_published",
                                                    "not_collected")
LABELS = {IN_SITE: "published, in this site", ELSEWHERE: "published, not collected here",
          NOT_PUBLISHED: "not published", NOT_COLLECTED: "not collected here"}
UNCHECKED = "not checked whether published"


@dataclass(frozen=True)
class State:
    """What is known about one measure (or run of periods): ``state`` (one of the four above),
    the periods it covers, and for a check where the figures are published (``see``: its title;
    ``url``: its address where the link rules let it be a link, with ``url_label`` the label the
    rules want next to it), who checked and when (``basis``) and a note."""

    state: str
    periods: str = ""
    start: date | None = None
    see: str = ""
    url: str = ""
    url_label: str = ""
    basis: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def detail(self) -> str:
        """The words in brackets: where it is published, who checked it, or that nobody did
        (for figures in this site: their sources)."""
        if self.state == ELSEWHERE:
            return f"see {self.see}" if self.see else ""
        return self.basis

    def words(self, with_periods: bool = True) -> str:
        """'not published: Jul 2022 to Dec 2023 (according to …)' as plain text; where a check
        gives the publisher's address, it is written out after the title."""
        detail = self.detail
        if self.state == ELSEWHERE and self.url:
            detail = f"see {self.see}, {self.url}" if self.see else f"see {self.url}"
        if self.state == ELSEWHERE and self.url_label and self.url_label not in detail:
            detail += f", {self.url_label}"
        return (self.label + (f": {self.periods}" if self.periods and with_periods else "")
                + (f" ({detail})" if detail else ""))

    @property
    def text(self) -> str:
        return self.words()


def month_span(start: date, end: date) -> str:
    """A run of periods in words: '2022H2', or 'Jul 2022 to Dec 2023' for whole months, else ISO dates."""
    label = fmt.period(start, end)
    if " to " not in label:
        return label
    if start.day == 1 and end == month_end(end.year, end.month):
        return f"{start.strftime('%b %Y')} to {end.strftime('%b %Y')}"
    return label


def check_basis(check: dict[str, Any]) -> str:
    """Who established a 'not published' (and when, if recorded)."""
    who = check.get("checked_by") or ""
    when = check.get("checked_on")
    if when:
        return f"checked on {when.isoformat()}" + (f" in {who}" if who else "")
    return f"according to {who}; date of check not recorded" if who else "date of check not recorded"


def from_check(check: dict[str, Any], periods: str = "") -> State:
    """The state a row of data/coverage_checks.csv (or of mart coverage_gaps) says."""
    state = {"published": ELSEWHERE, "published_not_collected": ELSEWHERE,
             "not_published": NOT_PUBLISHED}.get(check.get("state") or "", NOT_COLLECTED)
    start = check.get("period_start")
    if state == NOT_COLLECTED:
        return State(NOT_COLLECTED, periods, start, basis=UNCHECKED)
    url, url_label = _where(check.get("where_url") or "")
    return State(state, periods, start, see=check.get("where_title") or "", url=url, url_label=url_label,
                 basis=check_basis(check) if state == NOT_PUBLISHED else "", note=check.get("note") or "")


@cache
def _where(address: str) -> tuple[str, str]:
    """The address a check gives, as the link rules (data/taxonomy/link_rules.csv) allow it:
    '' for a homepage or an address that may not be linked; and the label shown next to it."""
    if not address:
        return "", ""
    ref = docref.resolve(address)
    return ref.url, ref.label if ref.url else ""


def gap_runs(gaps: list[dict[str, Any]], months: int) -> list[State]:
    """Consecutive missing periods with the same state and the same check, as one State each."""
    runs: list[list[dict[str, Any]]] = []
    for g in sorted(gaps, key=lambda g: g["period_start"]):
        last = runs[-1][-1] if runs else None
        if (last and (g["state"], g.get("check_line")) == (last["state"], last.get("check_line"))
                and _months_between(last["period_start"], g["period_start"]) == months):
            runs[-1].append(g)
        else:
            runs.append([g])
    return [from_check(run[0], fmt.span_text(fmt.period(run[0]["period_start"], run[0]["period_end"]),
                                             fmt.period(run[-1]["period_start"], run[-1]["period_end"])))
            for run in runs]


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def counts_text(gaps: list[dict[str, Any]]) -> str:
    """How many missing periods are in each state: '7 published but not collected here, 3 not
    published', or 'not checked whether published' when none was checked."""
    n = {s: sum(1 for g in gaps if g["state"] == s) for s in (ELSEWHERE, NOT_PUBLISHED, NOT_COLLECTED)}
    if n[NOT_COLLECTED] == len(gaps):
        return "not checked whether published"
    words = {ELSEWHERE: "published but not collected here", NOT_PUBLISHED: "not published",
             NOT_COLLECTED: "not checked"}
    return ", ".join(f"{k} {words[s]}" for s, k in n.items() if k)


def applicable(checks: list[dict[str, Any]], platform_id: str, metric_id: str,
               policy_area: str | None = None) -> list[dict[str, Any]]:
    """The checks about one measure of a platform. In a policy area's cell: the checks of that
    area, and the 'not published' checks of every area (what was published for some area says
    nothing about this one). For the measure as a whole (``policy_area`` None): every check of
    it. Checks of every metric in every area are shown once (:func:`platform_wide`), not here."""
    out = []
    for c in checks:
        if c["platform_id"] != platform_id or c["metric_id"] not in (metric_id, "*"):
            continue
        if c["metric_id"] == "*" and c["policy_area"] == "*":
            continue
        if (policy_area is None or c["policy_area"] == policy_area
                or (c["policy_area"] == "*" and c["state"] == "not_published")):
            out.append(c)
    return out


def platform_wide(checks: list[dict[str, Any]], platform_id: str) -> list[State]:
    """Checks that speak for every measure of a platform (every area, every metric)."""
    return [from_check(c, month_span(c["period_start"], c["period_end"])) for c in checks
            if c["platform_id"] == platform_id and c["metric_id"] == "*" and c["policy_area"] == "*"]


def cell_states(checks: list[dict[str, Any]], name_area: bool = False) -> list[State]:
    """A measure with no figure in this site: what the checks about it say, for their
    periods (with the policy area a check is about, when ``name_area``), and for any other
    period that nobody checked."""
    states = [from_check(c, (f"{c['area_name']}, " if name_area and c["policy_area"] != "*" else "")
                         + month_span(c["period_start"], c["period_end"])) for c in checks]
    return states + [State(NOT_COLLECTED, "other periods" if states else "", basis=UNCHECKED)]
