"""Statements of reasons (SoRs) in the EU DSA Transparency Database, on the platform pages and
the topic pages: the counts this site holds (mart sor_figures: hand-transcribed aggregates,
source dsa_tdb, and monthly counts derived from the daily dumps, source dsa_sor), how many were
automated, followed a notice or were the platform's own initiative, how long after the
content's date the decision came, and how they compare with the platform's own harmonised DSA
report for the same half-year (sor_recon.py).

A row of the curated table is one count as a document gives it; a row of the monthly chart is
one platform's statements of one subject in one month; a row of the half-year tables is the
sum of one platform's monthly counts of one subject in one half-year, with the months it
covers. Every share is computed within one platform and one subject, with its denominator, and
never across platforms: one platform (Google Shopping) files most of the database's statements."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.findings import Finding
from site_builder.pages.common import Ctx, Row, enrich, readable, short_name, source_refs
from site_builder.pages.figs import line_figure

SOURCES = ["dsa_tdb", "dsa_sor"]
DERIVED = "dsa_sor"
CHART_SUBJECTS = ["protection_of_minors", "csam", "csam_deepfake", "grooming"]
# what a half-year table counts, in its column order: (measure, column header, words in a sentence)
# the subject a platform page's half-year tables state first (the others follow in the table)
LEAD = {"protection_of_minors": 0, "csam": 1, "all": 2}
HOW = [("automated_detection", "With automated detection", "with automated detection"),
       ("fully_automated_decision", "Fully automated decision", "with a fully automated decision"),
       ("partially_automated_decision", "Partially automated decision", "with a partially automated decision"),
       ("after_notice", "Following a notice", "following a notice"),
       ("after_trusted_flagger_notice", "Following a trusted flagger's notice", "following a trusted flagger's notice"),
       ("own_initiative", "On its own initiative", "on the platform's own initiative")]
BANDS = [("delay_0", "0 days"), ("delay_1", "1 day"), ("delay_2_7", "2–7 days"), ("delay_8_30", "8–30 days"),
         ("delay_31_90", "31–90 days"), ("delay_91_365", "91–365 days"), ("delay_366_1826", "366–1,826 days"),
         ("delay_1827_plus", "1,827 days or more")]
APART = [("delay_negative", "Decided before the content date"), ("date_impossible", "Impossible date")]
# how a curated count is named in the table: the measure after the subject's name
MEASURE_WORDS = {"sors": "", "automated_detection": "with automated detection",
                 "not_automated_detection": "without automated detection",
                 "fully_automated_decision": "with a fully automated decision",
                 "not_automated_decision": "with a decision that was not automated",
                 "share_of_all_platforms": "share of all platforms' statements in the category"}
END_APPROXIMATE = re.compile(r"end date[^;.]*approximate", re.I)
SOR = "statements of reasons"


def points(ctx: Ctx, platform_id: str | None, areas: list[str] | None) -> list[Row]:
    """The SoR counts of a platform (or of every platform) for the subjects of ``areas``, enriched
    for display: a curated period whose end its note calls approximate says so, a month not read
    from every daily dump says how many were read."""
    out = []
    for r in ctx.query("sor_points", platform_id=platform_id, areas=areas, sources=SOURCES):
        e = enrich(r, ctx.label_names)
        if END_APPROXIMATE.search(e.get("note") or "") and "approximate" not in e["period"]:
            e["period"] += " (end date approximate)"
        if e["source_id"] == DERIVED and e.get("complete") is False:
            read = e.get("dumps_read")
            e["period"] += (f" ({read} of {e['days_in_month']} daily dumps read)" if read is not None
                            else " (not every daily dump read)")
        e["who"] = e["platform_label"] if e["platform_kind"] in ("aggregate", "") else short_name(e["platform_name"])
        e["what"] = e["subject_name"] + (f", {MEASURE_WORDS[e['measure']]}" if MEASURE_WORDS.get(e["measure"]) else "")
        e["counted_by"] = fmt.dates_in_words(readable(e.get("doc_title") or "", ctx.label_names))
        out.append(e)
    return merge_names(out)


def annotations(ctx: Ctx, platforms: list[str] | None = None, areas: list[str] | None = None) -> list[Row]:
    """The dated changes of the database and of how platforms file in it (annotations naming
    its sources) that concern ``platforms`` and ``areas`` (None: any), dates in words."""
    rows = ctx.query("sor_annotations", sources=SOURCES, platforms=platforms, areas=areas)
    for r in rows:
        r["date_text"] = fmt.date_text(r["date"], r["date_precision"])
        r["date"] = r["date"].isoformat()
    return rows


def caveats(ctx: Ctx) -> list[Row]:
    """data/taxonomy/sor_caveats.csv: measures a platform filed wrongly before a date."""
    return ctx.rows("SELECT * FROM tax_sor_caveats ORDER BY platform_id, measure, until")


def merge_names(rows: list[Row]) -> list[Row]:
    """The monthly counts derived from the dumps with a platform's published names added up (the
    database renames platforms: 'Amazon' became 'Amazon Store'): one row per platform, subject,
    measure and month; every other row as it is."""
    out: list[Row] = []
    seen: dict[tuple, Row] = {}
    for r in rows:
        if r["source_id"] != DERIVED or not r.get("platform_id") or r["value"] is None:
            out.append(r)
            continue
        k = (r["platform_id"], r["subject"], r["measure"], r["period_start"], r["period_end"])
        if k not in seen:
            seen[k] = dict(r)
            out.append(seen[k])
            continue
        m = seen[k]
        m["value"] += r["value"]
        m["value_text"] = fmt.count(m["value"])
        m["value_as_published"] = f"{m['value_as_published']} + {r['value_as_published']}"
        m["locator"] = f"{m['locator']}; {r['platform_label']}: {r['locator']}"
        m["complete"] = bool(m.get("complete")) and bool(r.get("complete"))
    return out


def _part_of(a: Row, b: Row) -> bool:
    """A curated keyword count that is part of a curated category count: the same document,
    period and category row (the keyword counted among the category's statements)."""
    return all(a[k] == b[k] for k in ("source_id", "doc_title", "period_start", "period_end", "policy_key", "platform_label"))


def held_figure(ctx: Ctx, fig_id: str, rows: list[Row], name: str | None) -> Figure | None:
    """The hand-transcribed counts (source dsa_tdb) of one platform (``name``) or of every
    platform, as their documents give them; the title states the largest protection-of-minors
    count with its child sexual abuse material keyword count where the same document gives both."""
    sel = [r for r in rows if r["source_id"] == "dsa_tdb" and r["value"] is not None]
    if not sel:
        return None
    sel.sort(key=lambda r: (r["platform_kind"] == "aggregate", r["who"].casefold() if name is None else "",
                            r["subject_rank"], r["measure"] != "sors", r["period_start"], r["period_end"], r["locator"]))
    w = ctx.writer
    sors = [r for r in sel if r["measure"] == "sors" and r["platform_kind"] not in ("aggregate", "")]
    minors = [r for r in sors if r["subject"] == "protection_of_minors"]
    csam = [r for r in sors if r["subject"] == "csam"]
    facts: dict[str, Any] = {}
    if name is None and csam:  # every platform: the largest keyword count, of all platforms' keyword count
        top = max(csam, key=lambda r: (r["value"], r["who"]))
        total = next((r for r in sel if r["platform_kind"] == "aggregate" and r["subject"] == "csam"
                      and r["measure"] == "sors" and _part_of({**r, "platform_label": ""}, {**top, "platform_label": ""})),
                     None)
        facts["c"] = w.fact(top, style="count", who=top["who"])
        template = "{c.who} filed {c} " + top["subject_phrase"] + ", {c.period}"
        if total:
            facts["t"] = w.fact(total, style="count")
            template = ("Of the {t} " + top["subject_phrase"] + " that all platforms filed, {c.period}, {c.who} filed {c.n}")
        short = Finding("part_of" if total else "level", template, facts)
        nxt = sorted((r for r in csam if r is not top and r["period_start"] == top["period_start"]
                      and r["period_end"] == top["period_end"]), key=lambda r: (-r["value"], r["who"]))[:2]
        facts.update({f"n{i}": w.fact(r, style="count", who=r["who"]) for i, r in enumerate(nxt)})
        finding = Finding(short.kind, template + "".join(
            (", then " if i == 0 else " and ") + f"{{n{i}.who}} {{n{i}.n}}" for i in range(len(nxt))), facts)
        cited = [top] + ([total] if total else []) + nxt
    elif minors:
        top = max(minors, key=lambda r: (r["period_end"], r["period_start"] == min(x["period_start"] for x in minors)))
        kw = next((r for r in csam if _part_of(r, top)), None)
        facts["p"] = w.fact(top, style="count", who=top["who"])
        template = "{p.who} filed {p} " + top["subject_phrase"] + "{db}, {p.period}"
        if kw:
            facts["k"] = w.fact(kw, style="count")
            template += "; {k.n} of them " + kw["subject_phrase"].replace("with the ", "carried the ", 1)
        finding = Finding("part_of" if kw else "level", template.replace("{db}", " with the DSA Transparency Database"), facts)
        short = Finding(finding.kind, template.replace("{db}", ""), facts)
        cited = [top] + ([kw] if kw else [])
    else:
        top = max(sel, key=lambda r: (r["period_end"], r["value"]))
        facts["x"] = w.fact(top, style="count", who=top["who"])
        finding = Finding("level", "{x.who}: {x} " + top["subject_phrase"] + ", {x.period}", facts)
        short = finding
        cited = [top]
    title = w.title(short)
    extra = [r for r in sel if r["subject"] == "all" and r["measure"] == "sors" and r not in cited][:1]
    said = w.sentences([finding] + [Finding("level", "{a.who} filed {a} in all categories, {a.period}",
                                            {"a": w.fact(r, style="count", who=r["who"])}) for r in extra])
    columns = ([Column("who", "Platform")] if name is None else []) + [
        Column("what", "What is counted"), Column("period", "Period"), Column("value_text", "Value", "value"),
        Column("counted_by", "Counted by")]
    return Figure(
        id=fig_id, title=title, takeaway=said.text, cites=list(said.rows),
        description="Table only: one row per count of statements of reasons as a document gives it.",
        rows=sel, columns=columns, sources=source_refs(ctx, sel), open_table=len(sel) <= 8, stack=True,
        caveat=("These counts were made by others from the database (each row names who counted and links to where "
                "it was read), for periods before 1 July 2025, when the database used its first vocabulary. A statement "
                "counts under protection of minors when its category or an additional category is protection of minors; "
                "keywords were optional, so a statement about child sexual abuse material can carry none. Counts of "
                "different documents and periods are not added up or compared here."),
        notes=[f"{e['label']} ({e['date_text']}): {e['text']}" for e in annotations(
            ctx, sorted({r["platform_id"] for r in sel if r.get("platform_id")}) if name else None,
            sorted({r["subject_area"] for r in sel})) if e["date"] <= max(r["period_end"] for r in sel)])


def monthly_figure(ctx: Ctx, fig_id: str, rows: list[Row], name: str | None, subjects: list[str]) -> Figure | None:
    """The monthly counts derived from the dumps: one platform's statements per subject
    (``name`` given), or each platform's statements of the first subject held (every platform)."""
    sel = [dict(r) for r in rows if r["source_id"] == DERIVED and r["measure"] == "sors" and r["value"] is not None
           and r["subject"] in subjects and r.get("platform_id")]
    if name is None:
        lead = next((s for s in subjects if any(r["subject"] == s for r in sel)), None)
        sel = [r for r in sel if r["subject"] == lead]
    key = (lambda r: r["subject_name"]) if name else (lambda r: r["who"])
    months: dict[str, set[str]] = {}
    for r in sel:
        months.setdefault(key(r), set()).add(r["period_start"])
    sel = [r for r in sel if len(months[key(r)]) >= 2]
    if not sel:
        return None
    w = ctx.writer
    totals = {k: sum(r["value"] for r in sel if key(r) == k) for k in months}
    csam = next((key(r) for r in sel if r["subject"] == "csam"), None) if name else None
    lead = csam or max(totals, key=lambda k: (totals[k], k))
    lead_rows = [r for r in sel if key(r) == lead]
    last = max(lead_rows, key=lambda r: r["period_start"])
    who = name or last["who"]
    trend = w.trend(f"{who}'s monthly count of statements of reasons {last['subject_phrase']}",
                    [w.fact(r, style="count") for r in lead_rows])
    facts = {"x": w.fact(last, style="count", who=who)}
    title = w.title(trend) if trend else w.title(Finding("level", "In {x.period}, {x.who} filed {x} " + last["subject_phrase"], facts))
    others = [r for r in sel if r["period_start"] == last["period_start"] and key(r) != lead][:3]
    facts.update({f"o{i}": w.fact(r, style="count") for i, r in enumerate(others)})
    body = "In {x.period}, {x.who} filed {x} " + last["subject_phrase"]
    for i, r in enumerate(others):
        body += f"; {{o{i}.n}} {r['subject_phrase']}" if name else f"; {r['who']} {{o{i}.n}}"
    takeaway = w.write(Finding("levels", body, facts))
    return line_figure(
        ctx, id=fig_id, rows=sel, title=title, series_of=key, y_title="Statements of reasons per month", y_format="~s",
        takeaway=takeaway,
        caveat=("Counted by this site from the database's daily dumps, by the month a statement was submitted (not the "
                "month of the decision). A statement is counted under every category and keyword it names, so the "
                "counts overlap and are not added up. Compare a platform only with itself."),
        events=annotations(ctx, sorted({r["platform_id"] for r in sel})))


def _half(iso: str) -> tuple[int, int]:
    return int(iso[:4]), 1 if int(iso[5:7]) <= 6 else 2


def _flag(cav: list[Row], platform_id: str | None, measure: str, months: list[str]) -> Row | None:
    """The caveat of data/taxonomy/sor_caveats.csv that concerns a platform's measure in any of the months."""
    return next((c for c in cav if c["platform_id"] == platform_id and c["measure"] == measure
                 and any(m < str(c["until"]) for m in months)), None)


def half_rows(ctx: Ctx, rows: list[Row]) -> list[Row]:
    """The monthly counts derived from the dumps summed per platform, subject and half-year; for
    each measure the count, the statements of the same months (its denominator) and the share.
    The period says which months are held and how many were read from every daily dump."""
    cav = caveats(ctx)
    groups: dict[tuple, dict[str, dict[str, Row]]] = {}
    for r in rows:
        if r["source_id"] == DERIVED and r["value"] is not None and r.get("platform_id"):
            k = (r["who"], r["platform_id"], r["subject_rank"], r["subject"], _half(r["period_start"]))
            groups.setdefault(k, {}).setdefault(r["period_start"], {})[r["measure"]] = r
    out = []
    for (who, pid, _, subject, (year, h)), by_month in sorted(groups.items(), key=lambda kv: (kv[0][4], kv[0][0], kv[0][2])):
        months = sorted(m for m, d in by_month.items() if "sors" in d)
        if not months:
            continue
        first = by_month[months[0]]["sors"]
        complete = sum(1 for m in months if by_month[m]["sors"].get("complete"))
        period = (f"{'January' if h == 1 else 'July'} to {'June' if h == 1 else 'December'} {year}" if len(months) == 6
                  else fmt.span_text(fmt.date_text(months[0], "month"), fmt.date_text(months[-1], "month")))
        if len(months) < 6:
            period += f" ({len(months)} of its 6 months held" + (
                f"; {complete} of them read from every daily dump)" if complete < len(months) else ")")
        elif complete < 6:
            period += f" ({complete} of its 6 months read from every daily dump)"
        releases = sorted({by_month[m][x]["release_id"] for m in months for x in by_month[m]})
        row: Row = {"who": who, "platform_id": pid, "subject": subject, "subject_name": first["subject_name"],
                    "subject_phrase": first["subject_phrase"], "policy_area": first["subject_area"],
                    "source_id": DERIVED, "release_id": DERIVED, "doc_url": "", "period": period, "geography": "EU",
                    "period_start": months[0], "period_end": by_month[months[-1]]["sors"]["period_end"],
                    "unit_kind": "count", "unit_display": SOR, "unit": "SoRs", "metric_id": "dsa_statements_of_reasons",
                    "value": sum(by_month[m]["sors"]["value"] for m in months),
                    "locator": f"sum of the monthly counts, releases {releases[0]} to {releases[-1]}"
                               if len(releases) > 1 else f"release {releases[0]}"}
        row["value_text"] = fmt.count(row["value"])
        row["releases"] = releases
        for measure in [m for m, _, _ in HOW] + [b for b, _ in BANDS + APART]:
            have = [m for m in months if measure in by_month[m]]
            flag = _flag(cav, pid, measure, have)
            if not have or (flag and flag["treatment"] == "withhold"):
                row[measure], row[f"{measure}_text"] = None, "not shown" if flag else "not held"
                row[f"{measure}_flag"] = flag["text"] if flag else ""
                continue
            n = sum(by_month[m][measure]["value"] for m in have)
            of = sum(by_month[m]["sors"]["value"] for m in have)
            row[measure], row[f"{measure}_of"] = n, of
            share = fmt.percent(100 * n / of, 1) if of else ""
            tail = " (possibly too low)" if flag else ""
            if measure in dict(BANDS) or measure in dict(APART):
                row[f"{measure}_text"] = f"{fmt.count(n)} ({share})" + tail if of else fmt.count(n)
            else:
                row[f"{measure}_text"] = f"{fmt.count(n)} of {fmt.count(of)} ({share})" + tail if of else fmt.count(n)
            row[f"{measure}_flag"] = flag["text"] if flag else ""
        out.append(row)
    return out


def _sources(ctx: Ctx, halves: list[Row]) -> list:
    """The source lines of half-year rows: every monthly release summed in them."""
    ids = sorted({rid for h in halves for rid in h["releases"]})
    return source_refs(ctx, [{"release_id": rid, "doc_title": ""} for rid in ids])


def _sub(row: Row, measure: str) -> Row:
    """One count of a half-year row as a row a sentence can quote (and link to its releases)."""
    return {**row, "value": row[measure], "value_text": fmt.count(row[measure])}


def _lead(halves: list[Row], name: str | None) -> Row:
    """The half-year row a title states: the latest half-year; on a platform page its subject in
    the order of LEAD, on a topic page the platform with the most statements."""
    return max(halves, key=lambda r: (r["period_start"], -LEAD.get(r["subject"], 9) if name else r["value"], r["who"]))


def how_figure(ctx: Ctx, fig_id: str, halves: list[Row], name: str | None) -> Figure | None:
    """Automation, notices and own initiative per half-year: every count with its denominator."""
    if not halves:
        return None
    w = ctx.writer
    latest = _lead(halves, name)
    facts = {"s": w.fact(latest, style="count", who=latest["who"])}
    parts = []
    for measure, _, words in HOW[:2]:
        if latest.get(measure) is not None:
            facts[measure[:2]] = w.fact(_sub(latest, measure), style="count")
            parts.append(f"{{{measure[:2]}.n}} {words}")
    title = w.title(Finding("part_of" if parts else "level", "In {s.period}, {s.who} filed {s} " + latest["subject_phrase"]
                            + (": " + " and ".join(parts) if parts else ""), facts))
    more = {m: w.fact(_sub(latest, m), style="count") for m, _, _ in HOW[3:] if latest.get(m) is not None}
    takeaway = (w.write(Finding("part_of", "Of these {s}, " + ", ".join(
        f"{{{m}.n}} {dict((x, y) for x, _, y in HOW)[m]}" for m in more), {"s": facts["s"], **more}))
        if more else w.write(Finding("level", "Notices and own initiative are not held for {s.period}", facts)))
    flags = sorted({r[f"{m}_flag"] for r in halves for m, _, _ in HOW if r.get(f"{m}_flag")})
    columns = ([Column("who", "Platform")] if name is None else []) + [
        Column("subject_name", "Statements of reasons"), Column("period", "Half-year"),
        Column("value_text", "Statements", "value")] + [Column(f"{m}_text", h, "num") for m, h, _ in HOW]
    return Figure(
        id=fig_id, title=title, takeaway=takeaway.text, cites=list(takeaway.rows), rows=halves, columns=columns,
        description="Table only: one row per platform, subject and half-year; each count is given with the statements "
                    "of the same months it is a share of.",
        sources=_sources(ctx, halves),
        caveat=("Shares are of the same platform's statements of the same subject and months, never of several platforms "
                "together. Automation and source are as the platform filed them in each statement. A notice can come "
                "under Article 16, from a trusted flagger or as another notification."),
        notes=flags, stack=True)


def delay_figure(ctx: Ctx, fig_id: str, halves: list[Row], name: str | None) -> Figure | None:
    """Days from the content's date to the decision, in bands, per half-year; decisions dated before
    the content and impossible dates counted apart."""
    sel = [r for r in halves if any(r.get(b) is not None for b, _ in BANDS + APART)]
    if not sel:
        return None
    w = ctx.writer
    latest = _lead(sel, name)
    facts = {"s": w.fact(latest, style="count", who=latest["who"])}
    template = "In {s.period}, {s.who} filed {s} " + latest["subject_phrase"]
    if latest.get("delay_0") is not None:
        facts["d0"] = w.fact(_sub(latest, "delay_0"), style="count")
        template += ", {d0.n} of them decided on the day of the content's date"
    title = w.title(Finding("part_of", template, facts))
    apart = {b: w.fact(_sub(latest, b), style="count") for b, _ in APART if latest.get(b) is not None}
    takeaway = w.write(Finding("part_of", "Of these {s}, " + " and ".join(
        f"{{{b}.n}} " + ("were decided before the content's date" if b == "delay_negative" else "had a missing or impossible date")
        for b in apart) + " (counted apart, in no band)", {"s": facts["s"], **apart})) if apart else \
        w.write(Finding("level", "No count of impossible or negative delays is held for {s.period}", facts))
    columns = ([Column("who", "Platform")] if name is None else []) + [
        Column("subject_name", "Statements of reasons"), Column("period", "Half-year"),
        Column("value_text", "Statements", "value")] + [Column(f"{b}_text", h, "num") for b, h in BANDS + APART]
    return Figure(
        id=fig_id, title=title, takeaway=takeaway.text, cites=list(takeaway.rows), rows=sel, columns=columns,
        description="Table only: one row per platform, subject and half-year; each band with its share of the row's "
                    "statements.",
        sources=_sources(ctx, sel), stack=True,
        caveat=("Days from the date the platform gives for the content to the date of its decision, as filed. Decisions "
                "dated before the content, and dates that are missing, unreadable, outside the database's allowed range "
                "or after the statement was submitted, are shown apart and in no band. Shares in brackets are of the "
                "row's statements."))


def not_held(name: str) -> str:
    """What the site cannot say of a platform without monthly counts from the dumps."""
    return (f"This site holds no monthly count of {name}'s statements of reasons from the database's daily dumps, so it "
            "cannot say here how many were automated, followed a notice or were its own initiative, or how long its "
            "decisions came after the content's date.")


def span_text(rows: list[Row]) -> str:
    """'25 September 2023 to 25 May 2025': the dates the SoR counts of ``rows`` cover."""
    if not rows:
        return ""
    first, last = min(r["period_start"] for r in rows), max(r["period_end"] for r in rows)
    return fmt.period(date.fromisoformat(first), date.fromisoformat(last))
