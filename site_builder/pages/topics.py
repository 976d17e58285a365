"""Topic pages for hate speech, terrorism and violent extremism, and bullying and
harassment: every platform with data side by side, the independent tests and monitoring
rounds that concern the area, and the dated changes that break its series."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.findings import Finding, Writer, Written, plain_label
from site_builder.pages.common import (
    Ctx,
    Page,
    Row,
    latest,
    name_policies,
    platforms_with_data,
    series_label,
    short_name,
    source_refs,
    worldwide,
)
from site_builder.pages.figs import bar_figure, events_for, facet_figure, line_figure, with_definitions
from site_builder.pages.sor_sections import TOPIC_LEAD, topic_section

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
    w = ctx.writer
    words = PANEL_METRICS[metric]
    # the lead panel: the longest series (then the largest latest value), its story across its latest break
    lead = max(lasts, key=lambda k: (counts[k], lasts[k]["value"], k))
    lr = lasts[lead]
    story = w.story(f"{lr['platform_name']}'s {words} under '{lr['policy_label']}'",
                    [w.fact(r) for r in sel if panel(r) == lead])
    title = w.title(story) if story else f"{ctx.policy_areas[t.area]['name']}: {words}, per platform, in its own units"
    others = sorted((r for k, r in lasts.items() if k != lead), key=lambda r: (-counts[panel(r)], r["platform_name"]))[:3]
    facts = {f"o{i}": w.fact(r) for i, r in enumerate(others)}
    takeaway = (w.sentences(w.by_period("Latest in the other panels, each in its own units", [
        (f"{r['platform_name']} '{r['policy_label']}'", facts[f"o{i}"]) for i, r in enumerate(others)]))
        if others else w.write(Finding("level", "Latest: {x} in {x.period}", {"x": w.fact(lr)})))
    return facet_figure(
        ctx, id=f"{t.slug}-{metric.replace('_', '-')}", rows=sel, facet_of=panel,
        series_of=lambda r: f"{r['platform_name']}: {r['metric_label']}", y_title="As published",
        title=title,
        takeaway=takeaway,
        caveat="Each panel has its own scale and unit; compare each platform with itself over time.",
        events=events_for(ctx, sources=sorted({r["source_id"] for r in sel}), areas=t.areas))


def proactive(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    sel = worldwide(dict(r) for r in _own(ctx, rows) if r["metric_id"] == "proactive_rate" and r["policy_area"] == t.area
                    and r["value"] is not None)
    if not sel:
        return None
    name_policies(sel)
    w = ctx.writer
    lasts = [r for name in sorted({r["platform_name"] for r in sel}) if (r := latest(sel, platform_name=name))]
    facts = {f"p{i}": w.fact(r) for i, r in enumerate(lasts)}
    takeaway = w.sentences(w.by_period("Latest published share found before anyone reported it", [
        (f"{r['platform_name']} ('{r['policy_label']}')", facts[f"p{i}"]) for i, r in enumerate(lasts)]))
    lowest = min(lasts, key=lambda r: (r["value"], r["platform_name"])) if lasts else None
    title = (w.title(Finding("level", f"{lowest['platform_name']} gives the lowest latest share of "
                                      f"{ctx.policy_areas[t.area]['name'].lower()} removals found before any user report: "
                                      "{x.n} in {x.period}", {"x": w.fact(lowest)}))
             if lowest and len(lasts) > 1 else
             f"{ctx.policy_areas[t.area]['name']}: share of removals found before anyone reported them")
    return line_figure(
        ctx, id=f"{t.slug}-proactive", rows=sel, y_zero=False,
        title=title,
        series_of=lambda r: f"{r['platform_name']}: " + series_label(r, r["policy_display"]),
        y_title="Percent found proactively",
        y_format=".0f", takeaway=takeaway,
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
        w = ctx.writer
        groups = []
        for key in sorted({(r["policy_key"], r["geography"]) for r in sel}):
            by = {r["metric_id"]: r for r in sel if (r["policy_key"], r["geography"]) == key}
            if "user_reports" in by and len(by) > 1:
                groups.append(by)
        if not groups:
            continue
        # the title states the topic's own policy first; the takeaway adds the next two
        groups.sort(key=lambda by: (by["user_reports"]["policy_area"] != t.area, -by["user_reports"]["value"],
                                    by["user_reports"]["policy_label"]))
        title = w.title(reports_and_actions(w, groups[0], "g"))
        takeaway = (w.write(Finding("pair", "Also: " + "; ".join(
            reports_and_actions(w, by, f"g{i}").template for i, by in enumerate(groups[1:3], 1)),
            {k: v for i, by in enumerate(groups[1:3], 1) for k, v in reports_and_actions(w, by, f"g{i}").facts.items()}))
            if len(groups) > 1 else Written("A report is not a violation and one account can be reported many times, "
                                            "so these counts give no rate.", ()))
        figures.append(bar_figure(
            ctx, id=f"{t.slug}-reports-actions-{source_id}".replace("_", "-"), rows=sel,
            title=title,
            category_of=lambda r: r["policy_label"] + ("" if r["geography"] == "global" else f" [{r['geography']}]"),
            color_of=lambda r: r["metric_label"], x_title="Count as published", x_format="~s",
            takeaway=takeaway,
            caveat="Reports, accounts and posts are different units: a report is not a violation and one account can "
                   "be reported many times, so no rate can be computed from these bars."))
    return figures


def reports_and_actions(w: Writer, by: dict[str, Row], key: str) -> Finding:
    """'In 2024H1, X received 66,898,539 user reports under 'Hateful Conduct', against 2,361 account
    suspensions and 4,950,321 posts removed or labeled' (facts named ``<key>_rep``,
    ``<key>_<metric>`` so several can share one sentence)."""
    r0 = by["user_reports"]
    acts = [m for m in ("accounts_actioned", "content_actioned") if m in by]
    facts = {f"{key}_rep": w.fact(r0, style="count", unit="user reports"),
             **{f"{key}_{m}": w.fact(by[m], style="count", unit=plain_label(by[m]["metric_label"])) for m in acts}}
    return Finding("pair", f"In {{{key}_rep.period}}, {short_name(r0['platform_name'])} received {{{key}_rep}} under "
                           f"'{r0['policy_label']}', against " + " and ".join(f"{{{key}_{m}}}" for m in acts), facts)


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
        pairs.setdefault((r["test"], r["platform_label"]), {})[r["metric_id"]] = ctx.writer.fact(r, style="count")
    worst = [(k, v) for k, v in pairs.items() if "test_items_reported" in v and "test_items_actioned" in v]
    worst.sort(key=lambda kv: (kv[1]["test_items_actioned"].value / kv[1]["test_items_reported"].value, kv[0]))
    w = ctx.writer

    def acted(i: int, item: tuple) -> tuple[str, dict]:
        (k, p), v = item
        return (f"{p} acted on {{a{i}.n}} of {{r{i}.n}} posts researchers reported ({k})",
                {f"a{i}": v["test_items_actioned"], f"r{i}": v["test_items_reported"]})

    title = f"{ctx.policy_areas[t.area]['name']}: independent tests, posts reported and acted on"
    takeaway = Written("", ())
    if worst:
        text, facts = acted(0, worst[0])
        title = w.title(Finding("part_of", "In an independent test, " + text, facts))
        more = [acted(i, item) for i, item in enumerate(worst[1:3], 1)]
        takeaway = w.write(Finding("part_of", "The next lowest: " + "; ".join(t_ for t_, _ in more),
                                   {k: v for _, f in more for k, v in f.items()})) if more else Written("", ())
    return bar_figure(
        ctx, id=f"{t.slug}-tests", rows=sel,
        title=title,
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
    first, last = (min(allr, key=lambda r: (r["period_start"], r["locator"])),
                   max(allr, key=lambda r: (r["period_start"], r["locator"]))) if allr else (None, None)
    w = ctx.writer
    title = (w.title(Finding("level", "In the last monitoring round, {b.period}, the Code's signatories removed {b.n} of "
                                      "the illegal hate speech notified to them", {"b": w.fact(last)}))
             if last else "EU Code of Conduct monitoring: share of notified illegal hate speech removed")
    takeaway = w.write(Finding(
        "change", "Across all signatories the share of notified items removed went from {a} in {a.period} to {b} in "
                  "{b.period}", {"a": w.fact(first), "b": w.fact(last)},
        caveat="each monitoring round used its own notifiers, countries and weeks")) if first else Written("", ())
    return line_figure(
        ctx, id=f"{t.slug}-eu-coc", rows=sel, y_zero=True,
        title=title,
        series_of=lambda r: r["platform_label"], y_title="Percent of notifications removed", y_format=".0f",
        takeaway=takeaway,
        caveat="Each monitoring round uses its own notifiers, countries and weeks; figures for single companies in "
               "some rounds come from press summaries (see each row's source). " + coc_denominators(ctx, rows, sel),
        events=events_for(ctx, sources=[COC], areas=["hate_speech"]))


def coc_denominators(ctx: Ctx, rows: list[Row], shares: list[Row]) -> str:
    """What each share of a monitoring round is a share of: the rounds whose notification counts
    this site holds (all signatories' and per company), and how many rounds it holds only as shares."""
    counts = sorted((r for r in rows if r["source_id"] == COC and r["metric_id"] == "coc_notifications"
                     and r["value"] is not None), key=lambda r: (r["period_start"], r["platform_label"]))
    rounds = {(r["period_start"], r["period_end"]) for r in shares}
    counted = {(r["period_start"], r["period_end"]) for r in counts}
    if not counts:
        return ("The shares are of the notifications sent in each round; this site holds none of the rounds' "
                "notification counts, so each share is shown without its denominator.")
    parts = []
    for span in sorted(counted):
        in_round = [r for r in counts if (r["period_start"], r["period_end"]) == span]
        parts.append(f"{in_round[0]['period']}: " + ", ".join(
            f"{r['platform_label']} {fmt.count(r['value'])}" for r in in_round))
    missing = len(rounds - counted)
    return ("The shares are of the notifications sent in each round. Notification counts in this site: "
            + "; ".join(parts) + (f". For the other {fmt.plural(missing, 'round')} only the shares are in this site."
                                  if missing else "."))


def latest_table(ctx: Ctx, t: Topic, rows: list[Row]) -> Figure | None:
    keyed: dict[tuple, Row] = {}
    for r in worldwide(rows):
        if (r["value"] is None and r["value_status"] != "range") or r["platform_id"] is None:
            continue  # providers outside the platform map are in the downloads, not in this table
        if r["source_id"] == "dsa_reports":
            continue  # the DSA reports have a table of their own (notices received versus actions taken)
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
        id=f"{t.slug}-latest", title=(f"{ctx.policy_areas[t.area]['name']}: the latest period of "
               f"{fmt.plural(len(sel), 'published measure')} from "
               f"{fmt.plural(len({r['platform_name'] for r in sel}), 'platform')} or groups of platforms"),
        cites=[], takeaway=ctx.writer.write(Finding(
            "tally", f"{fmt.plural(len(sel), 'measure')} from {fmt.plural(len({r['platform_name'] for r in sel}), 'platform')} "
                     f"or groups of platforms and {fmt.plural(len({r['source_id'] for r in sel}), 'source')}", {})).text,
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
        sor = topic_section(ctx, t.slug, t.areas, "../", TOPIC_LEAD[t.slug])
        notes = events_for(ctx, sources=sorted(ctx.sources), areas=t.areas)
        platforms = platforms_with_data(rows, ctx.platforms)
        pages.append(Page(
            path=f"topics/{t.slug}.md", title=area["name"], template="pages/topic.md.j2", nav="Topics",
            context={"area": area, "related": [ctx.policy_areas[a] for a in t.related], "figs": figures,
                     "annotations": notes, "platforms": platforms, "sor": sor},
            figures=figures + (sor["figures"] if sor else [])))
    return pages
