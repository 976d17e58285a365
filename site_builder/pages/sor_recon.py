"""Statements of reasons against the platform's own harmonised DSA report (mart
sor_reconciliation), as sentences for the platform and topic pages.

One sentence per platform and half-year of a report this site holds: when the site holds the
platform's statements of reasons of a subject for every month of the half-year, each read from
every daily dump, the statements (and those following a notice) next to the actions on notices
the report gives for the matching row, every number linked to where it was read; otherwise a
plain sentence that the site holds no count for that period. A sum is never given for part of
a half-year."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from site_builder import fmt
from site_builder.pages.common import Ctx, Row, short_name
from site_builder.quote import linked_parts

CAVEAT = ("A platform files a statement of reasons for each decision that restricts content or an account, dated when it "
          "is submitted to the database; its report counts the actions it took on notices under Article 16 in the "
          "half-year, on the basis of the law or of its terms and conditions. Statements following a notice also count "
          "trusted flaggers' and other notifications, and a decision taken late in one half-year can be filed in the "
          "next. The two can differ for these reasons alone: the site gives both numbers and the difference, and does "
          "not explain it.")


def _half_year(start, end) -> str:
    a, b = fmt.date_text(start, "month"), fmt.date_text(end, "month")
    return f"{a.split()[0]} to {b}" if a.split()[-1] == b.split()[-1] else f"{a} to {b}"


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _report_cell(r: Row, key: str) -> Row | None:
    """A figure of the report's row as a linked part: its file, line and column."""
    if r.get(key) is None:
        return None
    url = r.get("doc_url") or ""
    if url and "github.com/" in url and "/blob/" in url:
        url = f"{url}#L{r['line']}"  # GitHub's anchor for the line of the file
    return {"doc_url": url, "doc_label": r.get("doc_label"),
            "locator": f"{r['file']} line {r['line']} column '{r.get(f'{key}_header') or ''}'"}


def compared(r: Row, name: str, root: str) -> Markup:
    """The statements of a whole half-year next to the report's actions on notices, row by row."""
    sor = {"doc_url": f"{root}sources.html#dsa_sor", "locator": "sum of the monthly counts, releases "
           + (f"{r['sor_releases'][0]} to {r['sor_releases'][-1]}" if r.get("sor_releases") else "")}
    period = _half_year(r["period_start"], r["period_end"])
    row_name = "all categories (its TOTAL row)" if r["code"] == "TOTAL" else f"the row '{r['subject_name']}'"
    parts: list[tuple[str, Row | None]] = [
        (f"{period}: the DSA Transparency Database holds ", None), (fmt.count(r["sors"]), sor),
        (f" statements of reasons {r['subject_phrase']} from {name}", None)]
    if r.get("sors_after_notice") is not None:
        parts += [(", ", None), (fmt.count(r["sors_after_notice"]), sor), (" of them following a notice", None)]
    parts.append((f"; its DSA transparency report for the same half-year gives, for {row_name}, ", None))
    law, terms = _report_cell(r, "law"), _report_cell(r, "terms")
    if law and terms:
        actions = r["law"] + r["terms"]
        parts += [(fmt.count(r["law"]), law), (" actions on notices on the basis of the law and ", None),
                  (fmt.count(r["terms"]), terms), (" on the basis of its terms and conditions", None)]
        if r.get("sors_after_notice") is not None:
            diff = r["sors_after_notice"] - actions
            parts.append((f" ({fmt.count(actions)} together): " + (
                "as many statements following a notice as actions" if diff == 0 else
                f"{fmt.count(abs(diff))} {'more' if diff > 0 else 'fewer'} statements following a notice than actions"), None))
    else:
        parts.append(("no count of actions (the report leaves the cells empty)", None))
    parts.append((".", None))
    return linked_parts(parts)


def partial(rows: list[Row], name: str) -> str:
    """The half-year of which the site holds some months of statements of reasons of ``rows``'
    subjects (all with the same months held), but not every month read from every daily dump."""
    r = rows[0]
    period = _half_year(r["period_start"], r["period_end"])
    held = fmt.span_text(fmt.date_text(r["first_month"], "month"), fmt.date_text(r["last_month"], "month"))
    if r["months_held"] < r["months"]:
        what = f"it holds {r['months_held']} of its {r['months']} months ({held}" + (
            f", {r['months_complete']} of them read from every daily dump)" if r["months_complete"] < r["months_held"] else ")")
    else:
        what = (f"it holds all {r['months']} months, but only {r['months_complete']} of them were read from every daily "
                "dump")
    return (f"The site holds no count of {name}'s statements of reasons {_words([x['subject_phrase'] for x in rows])} for "
            f"the whole of {period}: {what}, so it does not compare them with the actions in its report for that half-year.")


def none_held(names: list[str], periods: list[str], span: str) -> str:
    """The half-years of the reports held (the same for every platform named) of which the site
    holds no month of statements of reasons; ``span``: the dates the counts it holds cover."""
    one = len(names) == 1
    whose = _words([f"{n}'s" for n in names]).replace(" or ", " and ") if not one else f"{names[0]}'s"
    held = (f"the statements of reasons it holds for {names[0] if one else 'them'} cover {span}" if span
            else f"it holds no count of {whose} statements of reasons at all")
    reports = "report" if len(periods) == 1 and one else "reports"
    return (f"The site holds no count of {_words([f'{n}' + chr(39) + 's' for n in names])} statements of reasons for "
            f"{_words(periods)}, the {'half-year' if len(periods) == 1 else 'half-years'} of "
            f"{'its' if one else 'their'} DSA transparency {reports} held here, so it compares none with the actions "
            f"the {reports} give; {held}.")


def sentences(ctx: Ctx, platform_id: str | None, subjects: list[str], root: str,
              spans: dict[str, str]) -> list[Markup | str]:
    """The reconciliation of one platform (or of every platform with a report) for ``subjects``:
    per platform, the compared and partial half-years in order, then one sentence for the
    half-years of which no month is held. ``spans``: platform id -> the dates its SoR counts cover."""
    rows = ctx.query("sor_reconciliation_for", platform_id=platform_id, subjects=subjects)
    by_platform: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_platform[r["platform_id"]].append(r)
    out: list[Markup | str] = []
    empties: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for pid, sel in by_platform.items():
        name = short_name(sel[0]["platform_name"] or pid)
        halves: dict = defaultdict(list)
        for r in sel:
            halves[(r["period_start"], r["period_end"])].append(r)
        empty = []
        for (start, end), hs in sorted(halves.items()):
            if all(h["status"] == "none" for h in hs):
                empty.append(_half_year(start, end))
                continue
            out += [compared(h, name, root) for h in hs if h["status"] == "compared"]
            same: dict[tuple, list[Row]] = defaultdict(list)
            for h in hs:
                if h["status"] == "partial":
                    same[(h["months_held"], h["months_complete"], h["first_month"], h["last_month"])].append(h)
            out += [partial(group, name) for group in same.values()]
            missing = [h["subject_name"] for h in hs if h["status"] == "none"]
            if missing:
                out.append(f"For {_half_year(start, end)} the site holds no count of {name}'s statements of reasons in "
                           f"{_words(missing)}.")
        if empty:
            empties[(tuple(empty), spans.get(pid, ""))].append(name)
    out += [none_held(names, list(periods), span) for (periods, span), names in empties.items()]
    return out
