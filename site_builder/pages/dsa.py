"""Reports received versus acted on: the EU's harmonised DSA transparency reports (table 4,
notices under Article 16) on the platform pages, the child sexual exploitation topic page and
the say-vs-do evidence; the consistency findings (mart dsa_consistency) and the reports' own
dates (mart dsa_report_editions).

One table row = one row of a report's table 4 (a category or keyword of illegal content) in
one report: notices received (all, from trusted flaggers), items of information they named,
actions on the basis of the law and of the terms and conditions, the median time to act, and
"actions per item notified" — the only ratio shown, with that wording, because notices, items
and actions are different units. Every number links to its file and line."""

from __future__ import annotations

from typing import Any

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.pages.common import Ctx, Row, short_name, source_refs

SOURCE_ID = "dsa_reports"
# the rows a platform page shows: the focus areas, each as the report's keyword (or category) rows
PLATFORM_AREAS = ["child_sexual_exploitation", "child_safety_broad", "hate_speech", "terrorism_violent_extremism",
                  "bullying_harassment"]
CSE_AREAS = ["child_sexual_exploitation", "child_safety_broad"]
FIGURES = ("notices", "notices_tf", "items", "items_tf", "law", "law_tf", "terms", "terms_tf", "median", "median_tf")
COLUMNS = [
    Column("row", "Row of the report"),
    Column("notices_pair", "Notices received (from trusted flaggers)", "value"),
    Column("items_pair", "Items of information notified (by trusted flaggers)", "value"),
    Column("law_pair", "Actions on the basis of the law (trusted flaggers)", "value"),
    Column("terms_pair", "Actions on the basis of the terms and conditions (trusted flaggers)", "value"),
    Column("median_pair", "Median time to take action (trusted flaggers)", "value"),
    Column("per_item_text", "Actions per item notified", "num"),
]
CAVEAT = ("Notices, items of information and actions are different units: one notice can name several items, and "
          "one action can follow several notices, so no share of notices 'acted on' can be computed; the only ratio "
          "shown is actions per item notified (actions on the basis of the law plus those on the basis of the terms "
          "and conditions, divided by the items of information in the notices). These are notices under Article 16 "
          "DSA about the service in the EU; a provider can count other user reports (in-app reports under its own "
          "rules) elsewhere. Keyword rows are part of their category row: never add the two.")


def _cell(r: Row, key: str) -> str:
    """A figure as the table shows it: the number (thousands separated; a median time with its
    unit), 'N/A' as published, or 'not given' for an empty cell."""
    value, published = r.get(key), r.get(f"{key}_published")
    if value is None:
        return "N/A" if (published or "").strip() == "N/A" else "not given"
    if not float(value).is_integer():
        return (published or "").strip()  # a time such as 11.6667, exactly as published
    return fmt.count(value)


def per_item(r: Row) -> float | None:
    """Actions per item notified: (law + terms actions) / items, where all three are given and
    items are more than 0."""
    if r.get("items") and r.get("law") is not None and r.get("terms") is not None:
        return (r["law"] + r["terms"]) / r["items"]
    return None


def row_name(r: Row) -> str:
    """'Child sexual abuse material' (the template's name of the row's code; the code itself is
    in the CSV and the tooltip); the TOTAL row as such; a row the template does not define by its code."""
    if r["row_kind"] == "total":
        return "All categories (total)"
    name = r.get("code_name") or f"{r['code']} (not a template code)"
    kind = " (category)" if r["row_kind"] == "category" else ""
    repeated = " (given a second time)" if r.get("repeat_of") else ""
    # a description the provider gives on a row other than an 'Other' one says what it counted there
    # (TikTok describes its terrorist content row as 'Consumer- related offences')
    prefix = 'Description of the sub-category "Other": '
    desc = next((p.removeprefix(prefix) for p in (r.get("notices_note") or "").split("\n\n") if p.startswith(prefix)), "")
    described = f" (the report's description: “{desc}”)" if desc and r.get("code") != "KEYWORD_OTHER" else ""
    return f"{name}{kind}{repeated}{described}"


def half_year(r: Row) -> str:
    """'July to December 2025': the reporting period in words (a half-year, or any months)."""
    start, end = fmt.date_text(r["period_start"], "month"), fmt.date_text(r["period_end"], "month")
    if start.split()[-1] == end.split()[-1]:
        return f"{start.split()[0]} to {end}"
    return f"{start} to {end}"


def report_name(r: Row) -> str:
    return f"{r['platform_name']}, {half_year(r)} (published {fmt.date_text(r['published'])})"


def notice_rows(ctx: Ctx, platform_id: str | None, areas: list[str], with_total: bool) -> list[Row]:
    rows = [dict(r) for r in ctx.query("dsa_notices_for", platform_id=platform_id, areas=areas, with_total=with_total)]
    units: dict[Any, set[str]] = {}
    for r in rows:
        units.setdefault(r["period_start"], set()).add(r["time_unit"])
    for r in rows:
        mixed = len(units[r["period_start"]]) > 1
        for key in FIGURES:
            r[f"{key}_text"] = _cell(r, key)
        for key in ("notices", "items", "law", "terms", "median"):
            a, b = r[f"{key}_text"], r[f"{key}_tf_text"]
            r[f"{key}_pair"] = a if a == b == "not given" else f"{a} ({b})"
        if mixed and r["time_unit"] == "hours" and not (r["median_text"] == r["median_tf_text"] == "not given"):
            r["median_pair"] += " h"
        ratio = per_item(r)
        r["per_item"] = ratio
        r["per_item_text"] = "" if ratio is None else f"{ratio:.2f}"
        r["report"] = report_name(r)
        r["row"] = row_name(r)
        r["locator"] = f"{r['row_locator']} ({r['code']})"
        r["doc_label_said"] = True  # the label is in each link's title and said once above the table, not after every number
        if r.get("doc_url") and "github.com/" in r["doc_url"] and "/blob/" in r["doc_url"]:
            r["doc_url"] = f"{r['doc_url']}#L{r['line']}"  # GitHub's anchor for the line of the file
        r["period"] = fmt.period(r["period_start"], r["period_end"])
        r["source_id"] = SOURCE_ID
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
        r["published"] = r["published"].isoformat() if r["published"] else ""
        if r.get("previous_published"):
            r["previous_published"] = r["previous_published"].isoformat()
        # each figure as a value a sentence can quote and link (quote.link_numbers)
        r["linked"] = [{"value": r[key], "value_as_published": r[f"{key}_published"], "doc_url": r["doc_url"],
                        "doc_label": r.get("doc_label"), "release_id": r["release_id"], "period": r["period"],
                        "locator": f"{r['row_locator']} column '{r[f'{key}_header']}'"}
                       for key in FIGURES if r.get(key) is not None]
    return rows


def _csam(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r["code"] == "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL" and r["row_kind"] == "keyword"]


def notices_figures(ctx: Ctx, id_prefix: str, rows: list[Row], *, per: str) -> list[Figure]:
    """Tables of notices received versus actions taken: one per report (``per='report'``, a
    platform page) or one per half-year with the platform in each row (``per='period'``, the
    topic page), newest first; each titled with its child sexual abuse material row(s)."""
    if per == "report":
        groups: dict[tuple, list[Row]] = {}
        for r in rows:
            groups.setdefault((r["period_start"], r["published"], r["release_id"]), []).append(r)
    else:
        groups = {}
        for r in rows:
            groups.setdefault((r["period_start"],), []).append(r)
    figs = []
    for key in sorted(groups, reverse=True):
        sel = groups[key]
        for r in sel:
            r["row"] = f"{short_name(r['platform_name'])}: {row_name(r)}" if per == "period" else row_name(r)
        first = sel[0]
        slug = f"{first['period_start'][:4]}h{1 if first['period_start'][5:7] == '01' else 2}"
        fig_id = f"{id_prefix}-{slug}" + (f"-{first['published']}" if per == "report" and _reissued(rows, first) else "")
        figs.append(_figure(ctx, fig_id, sel, per, open_table=not figs))  # the newest open, earlier ones folded
    return figs


def _num(r: Row, key: str) -> list[tuple[str, Row | None]]:
    """One figure of a row as a takeaway part: its text, linked to its cell (file, line, column)."""
    text = r[f"{key}_text"]
    if r.get(key) is None:
        return [(text, None)]
    return [(text, {"doc_url": r["doc_url"], "doc_label": r.get("doc_label"),
                    "locator": f"{r['row_locator']} column '{r[f'{key}_header']}'"})]


def _reissued(rows: list[Row], r: Row) -> bool:
    return len({x["release_id"] for x in rows if x["period_start"] == r["period_start"]}) > 1


def _notices_words(r: Row) -> str:
    """'0 in total but 130 from trusted flaggers (more than the total)', or '37,533 in total and 9 from trusted flaggers'."""
    a, b = r["notices_text"], r["notices_tf_text"]
    if r.get("notices") is not None and r.get("notices_tf") is not None and r["notices_tf"] > r["notices"]:
        return f"{a} in total but {b} from trusted flaggers (more than the total)"
    return f"{a} in total and {b} from trusted flaggers"


def _actions_words(r: Row) -> str:
    """The actions of a row as a title gives them; empty cells said as such, never as numbers."""
    if all(r.get(k) is None for k in ("law", "law_tf", "terms", "terms_tf")):
        return "the report leaves the action counts empty for this row"
    return (f"{r['law_text']} actions on the basis of the law ({r['law_tf_text']} on trusted flaggers' notices) and "
            f"{r['terms_text']} on the basis of its terms and conditions ({r['terms_tf_text']} on trusted flaggers' notices)")


def _figure(ctx: Ctx, fig_id: str, rows: list[Row], per: str, open_table: bool) -> Figure:
    csam = _csam(rows)
    first = rows[0]
    if per == "report" and csam:
        r = csam[0]
        title = (f"{short_name(r['platform_name'])}, {half_year(r)}, in the EU: notices alleging child sexual abuse "
                 f"material, {_notices_words(r)}; {_actions_words(r)}")
    elif csam:
        title = (f"Notices alleging child sexual abuse material received in the EU, {half_year(first)}, in total (from "
                 "trusted flaggers): " + ", ".join(f"{short_name(r['platform_name'])} {r['notices_text']} "
                                                   f"({r['notices_tf_text']})" for r in csam))
        more = [short_name(r["platform_name"]) for r in csam
                if r.get("notices") is not None and (r.get("notices_tf") or 0) > r["notices"]]
        if more:
            who = " and ".join(f"{n}'s" for n in more) if len(more) <= 2 else ", ".join(more[:-1]) + f" and {more[-1]}'s"
            title += f"; {who} {'report gives' if len(more) == 1 else 'reports give'} more from trusted flaggers than in total"
    else:
        title = f"Notices received and actions taken in the EU, {half_year(first)}"
    parts: list[tuple[str, Row | None]] = []
    if per == "report":
        report = (f"{short_name(first['platform_name'])}'s DSA transparency report for {half_year(first)} (published "
                  f"{fmt.date_text(first['published'])})")
        if csam:
            r = csam[0]
            parts += [(f"{report} gives, for the EU, notices under Article 16 alleging child sexual abuse material: ", None),
                      *_num(r, "notices"), (" received in total and ", None), *_num(r, "notices_tf"),
                      (" from trusted flaggers, naming ", None), *_num(r, "items"), (" items of information (", None),
                      *_num(r, "items_tf"), (" in trusted flaggers' notices)", None)]
            if r.get("law") is not None and r.get("terms") is not None:
                parts += [("; ", None), *_num(r, "law"), (" actions on the basis of the law and ", None),
                          *_num(r, "terms"), (" on the basis of its terms and conditions", None)]
            else:
                parts.append(("; it leaves the action counts empty for this row", None))
        else:
            parts.append((f"{report}: notices under Article 16 received and actions taken, for the EU", None))
    else:
        parts.append((f"Items of information named in notices under Article 16 alleging child sexual abuse material, "
                      f"in the EU, {half_year(first)}, in total (in trusted flaggers' notices): ", None))
        for i, r in enumerate(csam):
            parts += [(", " if i else "", None), (f"{short_name(r['platform_name'])} ", None), *_num(r, "items"),
                      (" (", None), *_num(r, "items_tf"), (")", None)]
        dates = [fmt.date_text(d) for d in sorted({r["published"] for r in csam})]
        parts.append((" (each platform's own report, published "
                      + (", ".join(dates[:-1]) + " and " + dates[-1] if len(dates) > 1 else dates[0]) + ")", None))
    parts.append((".", None))
    takeaway = "".join(t for t, _ in parts)
    units = {r["time_unit"] for r in rows}
    unit = ("hours" if units == {"hours"} else "unit not stated" if "hours" not in units else "")
    header = (f"Median time to take action, {unit} (trusted flaggers)" if unit else
              "Median time to take action (trusted flaggers); h: in hours, as the report states")
    columns = [Column(c.key, header, c.kind) if c.key == "median_pair" else c for c in COLUMNS]
    label = next((r["doc_label"] for r in rows if r.get("doc_label")), "")
    caveat = CAVEAT + (f" Each number links to its line in the file: {label}." if label else "")
    return Figure(
        id=fig_id, title=title, takeaway=takeaway, cites=csam, takeaway_parts=parts,
        description="Table only: one row per row of a report's table 4 (notices under Article 16 DSA).",
        rows=rows, columns=columns, sources=source_refs(ctx, rows), caveat=caveat,
        notes=time_notes(rows) + tf_notes(rows) + context_notes(rows), open_table=open_table, stack=True)


def time_notes(rows: list[Row]) -> list[str]:
    """What each provider says about the unit of its median times."""
    out = []
    for name in sorted({r["platform_name"] for r in rows}):
        units = {r["time_unit"] for r in rows if r["platform_name"] == name}
        if units == {"hours"}:
            out.append(f"{name}'s median times are in hours: its contextual note on the column says so.")
        else:
            out.append(f"{name}'s report does not state the unit of its median times; they are shown as published.")
    return out


def context_notes(rows: list[Row]) -> list[str]:
    """The report's own words on the numbers shown: each row's contextual information (and its
    "Other" description) once per distinct text, with the row, the line and the columns it is given for."""
    seen: dict[tuple[str, str], list[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for r in rows:
        for key in FIGURES:
            text = "\n\n".join(p for p in (r.get(f"{key}_note") or "").split("\n\n")
                                 if p.strip() and not p.startswith("Row labelled '")).strip()  # TikTok's row numbers
            if not text:
                continue
            k = (r["release_id"] + str(r["line"]), text)
            seen.setdefault(k, []).append(f"'{(r.get(f'{key}_header') or '').strip()}'")
            prefix = f"{short_name(r['platform_name'])}, {half_year(r)}: " if len({x['release_id'] for x in rows}) > 1 else ""
            where[k] = f"{prefix}{row_name(r)}, line {r['line']}"
    out = []
    for k, cols in seen.items():
        columns = "all ten figures" if len(cols) == len(FIGURES) else ", ".join(cols)
        out.append(f"The report's note on {where[k]} ({columns}): {k[1]}")
    return out


def tf_notes(rows: list[Row]) -> list[str]:
    """The rows where trusted flaggers' notices exceed all notices: stated, not explained away."""
    hits = [r for r in rows if r.get("notices_tf") is not None and r.get("notices") is not None
            and r["notices_tf"] > r["notices"]]
    if not hits:
        return []
    shown = "; ".join(f"{short_name(r['platform_name'])}, {half_year(r)}: {row_name(r)}, {r['notices_text']} notices "
                      f"received in total and {r['notices_tf_text']} from trusted flaggers (line {r['line']})"
                      for r in hits[:3])
    more = (f"; and {fmt.plural(len(hits) - 3, 'more row')} (see 'Consistency of the reports' on the platform's page)"
            if len(hits) > 3 else "")
    return [f"{fmt.plural(len(hits), 'row')} {'gives' if len(hits) == 1 else 'give'} more notices from trusted flaggers "
            f"than notices received in total: {shown}{more}."]


def consistency(ctx: Ctx, platform_id: str) -> list[Row]:
    """The consistency findings of one platform's reports (mart dsa_consistency), for display."""
    rows = [dict(r) for r in ctx.query("dsa_consistency_for", platform_id=platform_id)]
    for r in rows:
        r["line_url"] = (f"{r['doc_url']}#L{r['line']}" if r.get("doc_url") and "github.com/" in r["doc_url"]
                         and "/blob/" in r["doc_url"] else r.get("doc_url"))
        r["doc_label"] = (ctx.releases.get(r["release_id"]) or {}).get("doc_label") or ""
        r["report"] = (f"{fmt.date_text(r['period_start'], 'month')} to {fmt.date_text(r['period_end'], 'month')} "
                       f"(published {fmt.date_text(r['published'])})")
    return rows


def editions(ctx: Ctx, platform_id: str | None) -> list[Row]:
    """Each report's dates from its table 1 and what the site holds of the report before it."""
    return [dict(r) for r in ctx.rows(
        "SELECT * FROM dsa_report_editions WHERE $platform_id IS NULL OR platform_id = $platform_id "
        "ORDER BY platform_id, period_start, published, release_id", {"platform_id": platform_id})]


def platform_section(ctx: Ctx, pid: str, name: str) -> dict[str, Any] | None:
    """What a platform page shows of the DSA reports (None when it has none)."""
    rows = notice_rows(ctx, pid, PLATFORM_AREAS, with_total=True)
    if not rows:
        return None
    figs = notices_figures(ctx, f"{pid}-dsa-notices".replace("_", "-"), rows, per="report")
    return {"figures": figs, "consistency": consistency(ctx, pid), "editions": editions(ctx, pid),
            "name": short_name(name)}
