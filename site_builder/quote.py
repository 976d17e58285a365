"""Numbers in prose that link to where they were read, and sentences a reader can quote.

:func:`link_numbers` finds, in a sentence generated from a figure's rows, every number that
shows one of those rows' values (as a count, a short form such as '9.4 million', a
percentage, or as published) and makes it a link to the row's document, with the locator
as its title. :func:`quote_text` writes the plain sentence with its source, page and the
period of the data, for a reader to paste.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from numbers import Number
from typing import Any

from markupsafe import Markup, escape

from site_builder import fmt

Row = dict[str, Any]
# a number as prose writes it: 9,400,000 / 9.4 million / 96.4% / 31 (not inside 2021Q2 or a date)
_NUMBER = re.compile(r"(?<![\w.,/-])\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s(?:million|billion))?%?(?![\w/-]|\.\d|,\d)")
_YEAR = re.compile(r"^(19|20)\d\d$")


def _forms(row: Row) -> set[str]:
    """Every way a sentence may write this row's value."""
    v = row.get("value")
    out = {str(row.get("value_text") or ""), str(row.get("value_as_published") or "")}
    if isinstance(v, Number) and not isinstance(v, bool):
        v = float(v)
        out |= {fmt.count(v), fmt.short(v), fmt.percent(v), fmt.percent(v, 1)}
    return {f.strip() for f in out if f and f.strip() and not f.startswith("not reported")}


def _nearest_period(text: str, at: int, candidates: list[Row]) -> Row:
    """Of several rows whose value prints the same, the one whose period is written closest to
    the number in the sentence ('1 in 2021 against 1 in 2022'); the first when none is."""
    if len(candidates) == 1:
        return candidates[0]

    def distance(r: Row) -> float:
        label = str(r.get("period") or "")
        spots = [i.start() for i in re.finditer(re.escape(label), text)] if label else []
        return min((abs(i - at) for i in spots), default=float("inf"))

    return min(candidates, key=distance)


def link_numbers(text: str, rows: Sequence[Row], root: str = "") -> Markup:
    """Escape ``text`` and link each number that shows a value of ``rows`` (or one of the
    further values a row lists under ``linked``, each with its own ``value``, ``doc_url``,
    ``locator`` and ``release_id``) to its document;
    when no link to the document was captured, to its release on the Sources page
    (``root`` is the page's path to the site root)."""
    index: dict[str, list[Row]] = {}
    for r in (x for row in rows for x in (row, *row.get("linked", ()))):
        if not (r.get("doc_url") or r.get("release_id")):
            continue
        for form in _forms(r):
            index.setdefault(form, []).append(r)
    out, last = [], 0
    for m in _NUMBER.finditer(text):
        token = m.group(0)
        candidates = index.get(token)
        if not candidates or (_YEAR.match(token) and not token.endswith("%")):
            continue
        row = _nearest_period(text, m.start(), candidates)
        out.append(escape(text[last:m.start()]))
        href, title = row.get("doc_url"), (row.get("locator") or "") + (f" – {row['doc_label']}" if row.get("doc_label") else "")
        if not href:
            href = f"{root}sources.html#{row['release_id']}"
            title = f"{title} (no link to the document was captured: see the release)"
        out.append(Markup('<a class="pew-num" href="{}" title="{}" rel="noopener">{}</a>').format(href, title, token))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def linked_parts(parts: Sequence[tuple[str, Row | None]]) -> Markup:
    """A sentence given as parts in order: plain text (``None``), or a number with the cell it
    was read from (``doc_url``, ``locator``, ``doc_label``), linked exactly there — for sentences
    whose numbers repeat (a table of zeros), which :func:`link_numbers` cannot tell apart by value."""
    out = []
    for text, cell in parts:
        if cell is None or not cell.get("doc_url"):
            out.append(escape(text))
            continue
        title = (cell.get("locator") or "") + (f" – {cell['doc_label']}" if cell.get("doc_label") else "")
        out.append(Markup('<a class="pew-num" href="{}" title="{}" rel="noopener">{}</a>').format(
            cell["doc_url"], title, text))
    return Markup("").join(out)


def data_period(rows: Iterable[Row]) -> str:
    """'2017Q4 to 2025Q4' (or one period) from rows with ``period`` labels and ISO dates."""
    pts = [r for r in rows if r.get("period_start") and r.get("period")]
    if not pts:
        return ""
    first = min(pts, key=lambda r: (str(r["period_start"]), str(r.get("period_end"))))
    last = max(pts, key=lambda r: (str(r.get("period_end")), str(r["period_start"])))
    return fmt.span_text(first["period"], last["period"])


def quote_text(sentence: str, sources: Sequence[Any], page_url: str, period: str) -> str:
    """The sentence with its sources, the page it is on and the period of the data."""
    names = "; ".join(f"{s.source} ({', '.join(i.label for i in s.items[:3])}"
                      f"{', …' if len(s.items) > 3 else ''})" for s in sources)
    parts = [sentence.strip()]
    if names:
        parts.append(f"Source: {names}.")
    if period:
        parts.append(f"Data: {period}.")
    parts.append(f"Via Platform Enforcement Watch, {page_url}")
    return " ".join(parts)
