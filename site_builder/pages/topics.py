"""Topic pages for hate speech, terrorism and violent extremism, and bullying and
harassment: every platform with data side by side, the independent tests and monitoring
rounds that concern the area, and the dated changes that break its series."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.pages.common import Ctx, Page, Row, latest, name_policies, platforms_with_data, source_refs, worldwide
from site_builder.pages.figs import bar_figure, events_for, facet_figure, line_figure, with_definitions

OWN_REPORT = "platform_report"
TEST_SOURCES = ("independent_tests",)
COC = "eu_coc_hate_speech"


@dataclass(frozen=True)
class Topic:
    """A topic page: its main policy area and related areas shown with it."""

    slug: str
    area: str
    related: tuple[str, ...] = ()

    @property
    def areas(self) -> list[str]:
        return [self.area, *self.related]


TOPICS = [
    Topic("hate-speech", "hate_speech", ("hate_harassment_combined", "organized_hate")),
    Topic("terrorism-violent-extremism", "terrorism_violent_extremism"),
    Topic("bullying-harassment", "bullying_harassment", ("hate_harassment_combined",)),
]


def reported(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r["value"] is not None]


def _own(ctx: Ctx, rows: list[Row]) -> list[Row]:
    return [r for r in rows if ctx.sources[r["source_id"]]["kind"] == OWN_REPORT]


PANEL_METRICS = {
    "content_actioned": "content actioned",
    "accounts_actioned": "accounts actioned",
    "share_of_removals": "share of all removals",
}


def panels(ctx: Ctx, t: Topic, rows: list[Row], metric: str) -> Figure | None:
    """Small multiples of one harmonised metric from the platforms' own reports, one panel per
    platform, policy, unit and place, each on its own scale (series of three or more values)."""
    sel = [dict(r) for r in _own(ctx, rows) if r["metric_id"] == metric and r["value"] is not None]
    name_policies(sel)

    def panel(r: Row) -> str:
        geo = "" if r["geography"] == "global" else f", {r['geography']}"
        return f"{r['platform_name']}: '{r['policy_display']}' ({r['unit_display']}{geo}; {ctx.sources[r['source_id']]['short']})"

    counts: dict[str, int] = {}
    for r in sel:
        counts[panel(r)] = counts.get(panel(r), 0) + 1
    sel = [r for r in sel if counts[panel(r)] >= 3]
    if not sel:
        return None
    lasts: dict[str, Row] = {}
    for r in sel:
        if panel(r) not in lasts or r["period_end"] > lasts[panel(r)]["period_end"]:
            lasts[panel(r)] = r
    pct = ctx.metrics[metric]["unit_kind"] == "percent"
    value = (lambda r: fmt.percent(r["value"])) if pct else (lambda r: f"{fmt.short(r['value'])} {r['unit_display']}")
    takeaway = "Latest: " + "; ".join(f"{r['platform_name']} '{r['policy_label']}' {value(r)} in {r['period']}"
                                      for r in lasts.values()) + "."
    words = PANEL_METRICS[metric]
    return facet_figure(
        ctx, id=f"{t.slug}-{metric.replace('_', '-')}", rows=sel, facet_of=panel,
        series_of=lambda r: f"{r['platform_name']}: {r['metric_label']}", y_title="As published",
        title=f"{ctx.policy_areas[t.area]['name']}: {words}, per platform, in its own units",
        takeaway=takeaway,
        caveat="Each panel has its own scale and unit; compare each platform with itself over time.",
        events=events_for(ctx, sources=sorted({r["source_id"] for r in sel}), areas=t.areas))


def proactive(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    sel = worldwide(dict(r) for r in _own(ctx, rows) if r["metric_id"] == "proactive_rate" and r["policy_area"] == t.area
                    and r["value"] is not None)
    if not sel:
        return None
    name_policies(sel)
    parts = []
    for name in sorted({r["platform_name"] for r in sel}):
        last = latest(sel, platform_name=name)
        if last:
            parts.append(f"{name} {fmt.percent(last['value'])} ({last['period']}, '{last['policy_label']}')")
    return line_figure(
        ctx, id=f"{t.slug}-proactive", rows=sel, y_zero=False,
        title=f"{ctx.policy_areas[t.area]['name']}: share of removals found before anyone reported them",
        series_of=lambda r: f"{r['platform_name']}: {r['policy_display']}", y_title="Percent found proactively",
        y_format=".0f", value_fmt=fmt.percent, takeaway="Latest published: " + "; ".join(parts) + ".",
        caveat="A proactive rate is a share of what was removed, not of what exists.",
        events=events_for(ctx, sources=sorted({r["source_id"] for r in sel}), areas=t.areas))


def reports_vs_actions(ctx: Ctx, t: Topic, rows: list[Row]) -> list[Figure]:
    """Per source that publishes user reports: its latest period's reports next to its
    actions, policy by policy (one figure per source: their numbers are not comparable)."""
    own = _own(ctx, rows)
    figures = []
    for source_id in sorted({r["source_id"] for r in own if r["metric_id"] == "user_reports"}):
        last = max(r["period_end"] for r in own if r["source_id"] == source_id and r["metric_id"] == "user_reports")
        sel = [dict(r) for r in own if r["source_id"] == source_id and r["period_end"] == last
               and r["metric_id"] in ("user_reports", "accounts_actioned", "content_actioned")
               and r["policy_area"] in t.areas]
        one: dict[tuple, Row] = {}
        for r in sorted(sel, key=lambda r: r["metric_label"]):
            one.setdefault((r["policy_key"], r["metric_id"], r["geography"]), r)
        sel = list(one.values())
        if len(sel) < 2:
            continue
        parts = []
        for key in sorted({(r["policy_key"], r["geography"]) for r in sel}):
            by = {r["metric_id"]: r for r in sel if (r["policy_key"], r["geography"]) == key}
            if "user_reports" in by and len(by) > 1:
                r0 = by["user_reports"]
                where = "" if r0["geography"] == "global" else f" in {r0['geography']}"
                acts = ", ".join(f"{fmt.count(by[m]['value'])} {by[m]['metric_label']}"
                                 for m in ("accounts_actioned", "content_actioned") if m in by)
                parts.append(f"'{r0['policy_label']}'{where}: {fmt.count(r0['value'])} user reports; {acts}")
        name = sel[0]["platform_name"]
        figures.append(bar_figure(
            ctx, id=f"{t.slug}-reports-actions-{source_id}".replace("_", "-"), rows=sel,
            title=f"{name}, {sel[0]['period']}: user reports next to actions ({ctx.policy_areas[t.area]['name'].lower()})",
            category_of=lambda r: r["policy_label"] + ("" if r["geography"] == "global" else f" [{r['geography']}]"),
            color_of=lambda r: r["metric_label"], x_title="Count as published", x_format="~s",
            takeaway=f"{name} ({sel[0]['period']}): " + "; ".join(parts) + "." if parts else "As published.",
            caveat="Reports, accounts and posts are different units: a report is not a violation and one account can "
                   "be reported many times, so no rate can be computed from these bars."))
    return figures


def tests(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    """Independent report-and-wait tests: items researchers reported and items acted on."""
    sel = [dict(r) for r in rows if r["source_id"] in TEST_SOURCES
           and r["metric_id"] in ("test_items_reported", "test_items_actioned") and r["value"] is not None]
    if not sel:
        return None
    for r in sel:
        r["test"] = f"{r['policy_label']}, {r['period']}"
    pairs = {}
    for r in sel:
        pairs.setdefault((r["test"], r["platform_label"]), {})[r["metric_id"]] = r["value"]
    worst = [(k, v) for k, v in pairs.items() if "test_items_reported" in v and "test_items_actioned" in v]
    worst.sort(key=lambda kv: kv[1]["test_items_actioned"] / kv[1]["test_items_reported"])
    takeaway = ("In these tests platforms acted on a minority of the posts researchers reported; lowest: "
                + "; ".join(f"{p} acted on {fmt.count(v['test_items_actioned'])} of {fmt.count(v['test_items_reported'])} "
                            f"({k})" for (k, p), v in worst[:3]) + ".") if worst else ""
    return bar_figure(
        ctx, id=f"{t.slug}-tests", rows=sel,
        title=f"{ctx.policy_areas[t.area]['name']}: independent tests, posts reported and acted on",
        category_of=lambda r: f"{r['platform_label']} ({r['test']})", color_of=lambda r: r["metric_label"],
        x_title="Posts", x_format="d", takeaway=takeaway,
        caveat="Each test has its own sample, method and waiting time; the share acted on is computed within one "
               "test and one platform only (acted on divided by reported, same test), never across tests.")


def coc_rounds(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    sel = [dict(r) for r in rows if r["source_id"] == COC and r["metric_id"] == "coc_removal_rate"
           and r["value"] is not None]
    if not sel:
        return None
    allr = [r for r in sel if r["platform_id"] == "aggregate"]
    first, last = (min(allr, key=lambda r: r["period_start"]), max(allr, key=lambda r: r["period_start"])) if allr else (None, None)
    takeaway = (f"Across all signatories the removal rate of notified items went from {fmt.percent(first['value'])} "
                f"({first['period']}) to {fmt.percent(last['value'])} ({last['period']})." if first else "")
    return line_figure(
        ctx, id=f"{t.slug}-eu-coc", rows=sel, y_zero=True,
        title="EU Code of Conduct monitoring: share of notified illegal hate speech removed",
        series_of=lambda r: r["platform_label"], y_title="Percent of notifications removed", y_format=".0f",
        value_fmt=fmt.percent, takeaway=takeaway,
        caveat="Each monitoring round uses its own notifiers, countries and weeks; figures for single companies in "
               "some rounds come from press summaries (see each row's source).",
        events=events_for(ctx, sources=[COC], areas=["hate_speech"]))


def latest_table(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    keyed: dict[tuple, Row] = {}
    for r in worldwide(rows):
        if (r["value"] is None and r["value_status"] != "range") or r["platform_id"] is None:
            continue  # providers outside the platform map are in the downloads, not in this table
        key = (r["source_id"], r["platform_label"], r["policy_key"], r["metric_label"], r["geography"])
        if key not in keyed or r["period_end"] > keyed[key]["period_end"]:
            keyed[key] = dict(r)
    sel = sorted(keyed.values(), key=lambda r: (r["platform_name"], r["source_id"], r["metric_label"]))
    if not sel:
        return None
    for r in sel:
        r["series"] = f"{r['platform_label']}: {r['policy_label']}: {r['metric_label']}"
        r["source"] = ctx.sources[r["source_id"]]["short"]
    return Figure(
        id=f"{t.slug}-latest", title=f"{ctx.policy_areas[t.area]['name']}: every published measure, latest period",
        cites=[], takeaway=f"{len(sel)} measures from {len({r['platform_name'] for r in sel})} platforms or groups and "
                 f"{len({r['source_id'] for r in sel})} sources.",
        description="Table only.", rows=sel,
        columns=[Column("series", "Platform: policy: metric"), Column("period", "Period"),
                 Column("value_text", "Value", "value"), Column("unit", "Unit"), Column("source", "Source"),
                 Column("locator", "Where it was read")],
        sources=source_refs(ctx, sel),
        caveat=with_definitions(ctx, sel, "Rows use different definitions; do not rank or add them. Where a source "
                                          "publishes worldwide figures, its per-country figures are in the downloads "
                                          "(observations), not in this table."))


def build(ctx: Ctx) -> list[Page]:
    pages = []
    for t in TOPICS:
        rows = ctx.points(policy_areas=t.areas)
        figures = [f for f in (*(panels(ctx, t, rows, m) for m in PANEL_METRICS), proactive(ctx, t, rows),
                               *reports_vs_actions(ctx, t, rows), tests(ctx, t, rows), coc_rounds(ctx, t, rows),
                               latest_table(ctx, t, rows)) if f]
        area = ctx.policy_areas[t.area]
        notes = events_for(ctx, sources=sorted(ctx.sources), areas=t.areas)
        platforms = platforms_with_data(rows)
        pages.append(Page(
            path=f"topics/{t.slug}.md", title=area["name"], template="pages/topic.md.j2", nav="Topics",
            context={"area": area, "related": [ctx.policy_areas[a] for a in t.related], "figs": figures,
                     "annotations": notes, "platforms": platforms}, figures=figures))
    return pages
