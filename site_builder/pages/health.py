"""Source health page: per source of the catalog, its last successful fetch, its last new or
changed file, the cadence it is expected to keep and whether it is overdue, all as of the
newest entry of the fetch log (mart source_health), never as of the day of the build.

Also the "stale since" notices: a source whose latest night of fetching failed may show out
of date figures; ``stale_notices`` gives the notice shown on that source's section of the
Sources page and on the pages of the platforms the catalog says it covers."""

from __future__ import annotations

import re
from datetime import date, datetime

from site_builder import fmt
from site_builder.pages.common import Ctx, Page, Row


def day(value: date | datetime | None) -> str:
    """'3 December 2026' ('' for none)."""
    return fmt.date_text(value.date() if isinstance(value, datetime) else value) if value else ""


def reason_text(reason: object) -> str:
    """A fetch failure's reason as a clause: 'HTTP 500 Internal Server Error, after 2 attempts'."""
    text = " ".join(str(reason or "").split()).rstrip(".")
    return re.sub(r" \((after \d+ attempts?)\)$", r", \1", text)


def stale_text(r: Row) -> str:
    """The notice for a stale source: since when, why, and what the figures shown are."""
    reason = reason_text(r.get("stale_reason"))
    known = [f"the last successful fetch of one of its files was on {day(r['last_success_at'])}"] if r.get("last_success_at") else []
    known += [f"the newest edition held is {r['newest_edition']}"] if r.get("newest_edition") else []
    last = (" The figures shown are those read before: " + " and ".join(known) + ".") if known else ""
    return (f"Figures from {r['short']} ({r['publisher']}) may be out of date: fetching its files has failed since "
            f"{day(r['stale_since'])}" + (f": {reason}." if reason else ".") + last)


STATE_ORDER = ["failing", "overdue", "never fetched", "on schedule", "no schedule", "by hand"]


def health_rows(ctx: Ctx) -> list[Row]:
    """source_health, read once per build, with the words each column shows; the sources that
    need attention first (STATE_ORDER), then by publisher."""
    cached: list[Row] | None = ctx.__dict__.get("_source_health")
    if cached is not None:
        return cached
    listed = {r["source_id"] for r in ctx.releases.values()}  # the Sources page has an anchor for these
    rows = []
    for r in ctx.query("source_health_list"):
        r = dict(r)
        r["anchor"] = r["source_id"] if r["source_id"] in listed else ""
        r["last_success_text"] = day(r["last_success_at"]) or "never"
        r["last_change_text"] = (f"{day(r['last_change_at'])} ("
                                 + ("a new file" if r["last_change_outcome"] == "new" else "a file changed at the same address")
                                 + ")") if r["last_change_at"] else ("none recorded" if r["fetches"] else "")
        r["expected_text"] = r["cadence_in_words"] or r["cadence"]
        r["overdue_text"] = (f"overdue after {fmt.plural(r['overdue_after_days'], 'day')} without a new file"
                             if r["overdue_after_days"] is not None else "")
        r["listed"] = bool(r["fetches"]) or not r["by_hand"]  # in the table; else among the sources transcribed by hand
        r["states"] = _states(r)
        r["stale_text"] = stale_text(r) if r["stale_since"] else ""
        rows.append(r)
    rows.sort(key=lambda r: min(STATE_ORDER.index(tag) for tag, _ in r["states"]))  # stable: by publisher within
    ctx.__dict__["_source_health"] = rows
    return rows


def _states(r: Row) -> list[tuple[str, str]]:
    """(tag, rest) pairs saying what state the source is in, the most urgent first; each reads
    as one sentence, tag first ('failing since 3 December 2026 (HTTP 500)')."""
    if not r["fetches"]:
        if r["by_hand"]:
            why = str(r["not_fetched_why"] or "").rstrip(".")
            return [("by hand", ": transcribed from the publisher's reports, not fetched" + (f"; {why}." if why else "."))]
        return [("never fetched", ": the fetch log has no entry for this source yet.")]
    out = []
    if r["stale_since"]:
        reason = reason_text(r["stale_reason"])
        out.append(("failing", f"since {day(r['stale_since'])}" + (f": {reason}." if reason else ".")))
    changed = r["last_change_at"].date() if isinstance(r["last_change_at"], datetime) else r["last_change_at"]
    if changed and (r["newest_edition_end"] is None or changed >= r["newest_edition_end"]):
        since = f"since {day(changed)}"
    elif r["newest_edition"]:
        since = f"after the newest edition held, {r['newest_edition']}"
    else:
        since = f"since fetching began on {day(r['first_fetch_at'])}"
    if r["overdue"] is True:
        out.append(("overdue", f": no new or changed file {since}; one was expected by {day(r['due_by'])}."))
    elif r["overdue"] is False:
        out.append(("on schedule", f": the next new file is expected by {day(r['due_by'])}."))
    else:
        out.append(("no schedule", "that it keeps, so it is never called overdue."))
    return out


def stale_notices(ctx: Ctx, *, source_id: str | None = None, platform_id: str | None = None) -> list[Row]:
    """The stale-since notices of one source, or of every source covering one platform (the
    catalog's ``platforms``): rows of source_health with ``stale_text``."""
    return [r for r in health_rows(ctx) if r["stale_since"]
            and (source_id is None or r["source_id"] == source_id)
            and (platform_id is None or platform_id in (r["platforms"] or []))]


def build(ctx: Ctx) -> list[Page]:
    rows = health_rows(ctx)
    as_of = next((r["as_of"] for r in rows if r["as_of"]), None)
    # each source counted once, by its most urgent state (the order of STATE_ORDER)
    first = [min((t for t, _ in r["states"]), key=STATE_ORDER.index) for r in rows]
    counts = {tag: first.count(tag) for tag in STATE_ORDER}
    return [Page(path="health.md", title="Source health", template="pages/health.md.j2", nav="About the data",
                 context={"rows": [r for r in rows if r["listed"]], "by_hand": [r for r in rows if not r["listed"]],
                          "as_of": day(as_of), "as_of_time": as_of.strftime("%H:%M") if as_of else "",
                          "counts": counts, "n_sources": len(rows)})]
