"""Topic page: child sexual exploitation, every platform with data side by side."""

from __future__ import annotations

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.findings import Finding, Written
from site_builder.pages import dsa, sor_sections, topics
from site_builder.pages.common import Ctx, Page, Row, latest, platforms_with_data, series_label, source_refs, worldwide
from site_builder.pages.figs import bar_figure, events_for, facet_figure, line_figure
from site_builder.pages.ncmec import NCMEC_COLUMNS, ncmec_rows, reconciliation_figure
from site_builder.pages.topics import Topic

AREAS = ["child_sexual_exploitation", "child_safety_broad"]
META_CSE_KEYS = ["child_nudity_sexual_exploitation", "child_endangerment_sexual_exploitation"]
NCMEC_PLATFORMS = ["facebook", "instagram", "whatsapp", "meta", "google", "snapchat", "tiktok", "x",
                   "discord", "microsoft"]
COMPARABILITY = (
    "Not comparable across platforms: each platform counts different things (pieces of content, "
    "videos, posts, enforcements, accounts), draws its category differently, and some categories "
    "mix child sexual exploitation with other harms to minors. Compare each platform with itself over time."
)


def reported(rows: list[Row]) -> list[Row]:
    """Rows with a number (N/A rows are not drawn, and never as zero)."""
    return [r for r in rows if r["value"] is not None]


def meta_actioned(ctx: Ctx) -> Figure:
    rows = reported(ctx.points(source_id="meta_cser", metrics=["content_actioned"], policy_keys=META_CSE_KEYS,
                               geography="global"))
    key = "child_endangerment_sexual_exploitation"
    w = ctx.writer
    fb, ig = (latest(rows, platform_label=p, policy_key=key) for p in ("Facebook", "Instagram"))
    since = [r for r in rows if r["platform_label"] == "Facebook" and r["policy_key"] == key]
    peak = max(since, key=lambda r: (r["value"], r["period_end"])) if since else None
    takeaway = Written("Meta publishes no child sexual exploitation counts in the data.", ())
    title = "Meta: child sexual exploitation content actioned, per quarter"
    if fb and ig and peak and fb["period"] == ig["period"]:
        takeaway = w.write(Finding(
            "levels", f"In {{fb.period}}, Meta actioned {{fb}} under '{fb['policy_label']}' on Facebook and {{ig.n}} on "
                      "Instagram", {"fb": w.fact(fb), "ig": w.fact(ig)}))
        trend = w.trend("Content Meta actioned on Facebook under 'Child Endangerment: Sexual Exploitation'", [w.fact(r) for r in since])
        title = w.title(trend) if trend else title
    return line_figure(
        ctx, id="meta-cse-actioned", rows=rows, title=title,
        series_of=lambda r: f"{r['platform_name']}: {r['policy_label']}",
        y_title="Pieces of content actioned", y_format="~s", takeaway=takeaway,
        caveat="Before 2021Q2 Meta's category 'Child Nudity & Sexual Exploitation' also covered non-sexual child "
               "nudity; it is not comparable with the later 'Child Endangerment: Sexual Exploitation'.",
        events=events_for(ctx, sources=["meta_cser"], areas=AREAS),
    )


def other_platforms_actioned(ctx: Ctx) -> Figure:
    meta = {pid for pid, p in ctx.platforms.items() if p["company"] == "Meta"}
    rows = [r for r in reported(ctx.points(metrics=["content_actioned"], policy_areas=AREAS))
            if r["source_id"] != "meta_cser" and r["platform_id"] not in meta]
    counts: dict[str, int] = {}

    def facet(r: Row) -> str:
        geo = "" if r["geography"] == "global" else f", {r['geography']}"
        return f"{r['platform_name']}: '{r['policy_label']}' ({r['unit_display']}{geo}; {ctx.sources[r['source_id']]['short']})"

    periods: dict[str, list[tuple]] = {}
    for r in rows:
        periods.setdefault(facet(r), []).append((r["period_start"], r["period_end"]))
    # a panel is one series: a label that holds two values for one period mixes series the
    # row does not tell apart (Diaphanous's Microsoft 'CSAM' rows hold the Bing and the hosted
    # services counts under one label), so it is not drawn or counted as a series
    counts = {k: len(v) for k, v in periods.items() if len(set(v)) == len(v)}
    rows = [r for r in rows if counts.get(facet(r), 0) >= 3]
    lasts = {}
    for r in rows:
        lasts[facet(r)] = r if facet(r) not in lasts or r["period_end"] > lasts[facet(r)]["period_end"] else lasts[facet(r)]
    w = ctx.writer
    n_platforms = len({r["platform_name"] for r in lasts.values()})
    title = (w.title(Finding("tally", f"Outside Meta, {fmt.plural(n_platforms, 'platform')} publish a child sexual "
                                      "exploitation series of three or more periods, each in its own units", {}))
             if lasts else "Other platforms: child sexual exploitation removals as each publishes them")
    longest = max(lasts, key=lambda k: (counts[k], k)) if lasts else None
    takeaway = (w.write(Finding(
        "level", f"The longest is {{x.who}}'s '{lasts[longest]['policy_label']}' series, {counts[longest]} periods, "
                 "latest {x} in {x.period}", {"x": w.fact(lasts[longest])}))
        if longest else Written("No other platform publishes a series of three or more periods.", ()))
    return facet_figure(
        ctx, id="cse-actioned-other-platforms", rows=rows, facet_of=facet,
        series_of=lambda r: f"{r['platform_name']}: {r['metric_label']}",
        y_title="As published", takeaway=takeaway, title=title,
        caveat=COMPARABILITY + " Each panel has its own scale.",
    )


def proactive_rates(ctx: Ctx) -> Figure:
    meta = reported(ctx.points(source_id="meta_cser", metrics=["proactive_rate"], policy_keys=META_CSE_KEYS))
    tiktok = worldwide(reported(ctx.points(source_id="tiktok_cge", metrics=["proactive_rate"], policy_areas=AREAS)))
    tiktok = [r for r in tiktok if r["policy_label"] in (
        "Minor safety", "Sexual exploitation of minors", "Safety & Civility - Youth Exploitation & Abuse")]
    rows = meta + tiktok
    w = ctx.writer
    facts = {p.lower(): w.fact(r) for p in ("Facebook", "Instagram")
             if (r := latest(meta, platform_label=p, policy_key="child_endangerment_sexual_exploitation"))}
    tk = latest(tiktok, policy_label="Safety & Civility - Youth Exploitation & Abuse")
    all_facts = {**facts, **({"tk": w.fact(tk)} if tk else {})}
    title = "Share of removed child exploitation content found before anyone reported it"
    takeaway = Written("", ())
    if facts:
        low = min(all_facts, key=lambda k: (all_facts[k].value, k))
        title = w.title(Finding(
            "level", "By their own latest figures, " + ("Meta and TikTok" if tk else "Meta")
                     + f" found at least {{{low}.n}} of the child exploitation content they removed before anyone "
                       "reported it", {low: all_facts[low]}))
        takeaway = w.write(Finding(
            "levels", "In {" + next(iter(facts)) + ".period}, Meta found " + " and ".join(
                f"{{{k}.n}} on {k.title()}" for k in facts)
            + f" of what it removed under '{next(iter(facts.values())).row['policy_label']}' before anyone reported it"
            + (f"; TikTok gives {{tk.n}} for '{tk['policy_label']}' in {{tk.period}}" if tk else ""), all_facts))
    return line_figure(
        ctx, id="cse-proactive-rate", rows=rows, y_zero=False, title=title,
        series_of=lambda r: f"{r['platform_name']}: " + series_label(r, r["policy_label"]),
        y_title="Percent found proactively", y_format=".0f", takeaway=takeaway,
        caveat="A proactive rate is a share of what was removed, not of what exists: it says nothing about "
               "material the platform never found. Meta's 'proactive rate' and TikTok's 'proactive removal rate' "
               "are defined by each company; TikTok's categories are broader and changed in 2023Q2.",
        events=events_for(ctx, sources=["meta_cser", "tiktok_cge"], areas=AREAS),
    )


def meta_appeals(ctx: Ctx) -> Figure:
    rows = reported(ctx.points(source_id="meta_cser", policy_keys=["child_endangerment_sexual_exploitation"],
                               metrics=["content_appealed", "content_restored_with_appeal", "content_restored_without_appeal"]))
    w = ctx.writer
    parts = []
    for platform in ("Facebook", "Instagram"):
        ap = latest(rows, platform_label=platform, metric_id="content_appealed")
        rs = latest(rows, platform_label=platform, metric_id="content_restored_with_appeal")
        if ap and rs and ap["period"] == rs["period"]:
            parts.append(Finding("part_of", f"Meta restored {{rs.n}} of {{ap.n}} appealed {platform} removals for child "
                                            "sexual exploitation in {ap.period}",
                                 {"ap": w.fact(ap, style="count"), "rs": w.fact(rs, style="count")}))
    title = w.title(parts[0]) if parts else "Meta: appeals and restorations of child sexual exploitation removals"
    takeaway = w.write(parts[1]) if len(parts) > 1 else Written("No further appeal figures.", ())
    return facet_figure(
        ctx, id="meta-cse-appeals", rows=rows, facet_of=lambda r: r["platform_name"],
        series_of=lambda r: r["metric_name"], y_title="Pieces of content", title=title,
        takeaway=takeaway,
        caveat="Restorations without appeal are Meta's own reversals. Meta counts appeals of the decision, not people.",
    )


def ncmec_by_platform(ctx: Ctx) -> Figure:
    rows = ncmec_rows(ctx, NCMEC_PLATFORMS)
    years = sorted({r["period"] for r in rows})
    last_year = years[-1] if years else ""
    top = sorted((r for r in rows if r["period"] == last_year), key=lambda r: (-r["value"], r["platform_name"]))[:3]
    w = ctx.writer
    facts = {f"p{i}": w.fact(r, who=r["platform_name"]) for i, r in enumerate(top)}
    names = [r["platform_name"] for r in top]
    title = (w.title(Finding("ranking", f"In {last_year}, NCMEC received the most CyberTipline reports from "
                                        + ", ".join(names[:-1]) + f" and {names[-1]}", facts))
             if top else "CyberTipline reports NCMEC received, by platform and year")
    takeaway = w.write(Finding(
        "ranking", f"In {last_year}, NCMEC counted " + ", ".join(f"{{{k}.n}} reports from {{{k}.who}}" for k in facts),
        facts)) if top else Written("", ())
    fig = line_figure(
        ctx, id="ncmec-reports-by-platform", rows=rows, title=title,
        series_of=lambda r: r["platform_name"] + (" (combined companies)" if r["combined"] else ""),
        y_title="Reports received by NCMEC", y_format="~s", takeaway=takeaway,
        caveat="A report count measures how much a company detects and reports, not how much abuse happens "
               "on it: more reports can mean more effort. Where a company reported under several names in a "
               "year, the lines are summed (see 'As published').",
        events=events_for(ctx, sources=["ncmec_esp"], areas=["child_sexual_exploitation"]),
    )
    fig.columns = NCMEC_COLUMNS
    return fig


def x_reports_vs_actions(ctx: Ctx) -> Figure:
    rows = reported(ctx.points(source_id="x_gtr", platforms=["x"], policy_keys=["child_safety"],
                               metrics=["user_reports", "accounts_actioned", "content_actioned", "ncmec_reports_disclosed"]))
    rows = [r for r in rows if r["metric_label"] in ("user reports", "account suspensions", "posts removed or labeled",
                                                      "NCMEC reports (total)")]
    by = {r["metric_label"]: r for r in rows}
    period = rows[0]["period"] if rows else ""
    w = ctx.writer
    keys = {"rep": "user reports", "sus": "account suspensions", "rem": "posts removed or labeled"}
    have = set(keys.values()) <= set(by)
    facts = {k: w.fact(by[v], style="count" if k == "rem" else "short") for k, v in keys.items()} if have else {}
    title = (w.title(Finding("pair", "In {rep.period}, X received {rep.n} user reports about child safety and suspended "
                                     "{sus.n} accounts", facts)) if have else f"X, {period}: child safety reports and actions")
    takeaway = (w.write(Finding(
        "pair", "X also removed or labelled {rem.n} posts under the same policy in {rem.period}", facts,
        caveat="reports, accounts and posts are different units, so no rate follows from them")) if have else Written("", ()))
    notes = sorted({r["note"] for r in rows if r.get("note")})
    return bar_figure(
        ctx, id="x-child-safety-reports-vs-actions", rows=rows,
        title=title,
        category_of=lambda r: r["metric_label"], x_title="Count (reports, accounts or posts)", x_format="~s",
        takeaway=takeaway,
        caveat="The bars count different things (reports, accounts, posts) and cannot be divided into a rate: one "
               "post can be reported many times and an account can be suspended without any report. "
               + " ".join(f"Publisher's note: {n}." for n in notes),
    )


def independent_tests(ctx: Ctx) -> Figure:
    rows = reported(ctx.points(source_id="independent_tests", policy_areas=["child_sexual_exploitation"],
                               metrics=["test_other"]))
    sio = [r for r in rows if r["metric_label"] in ("seller accounts identified",
                                                    "seller accounts still active about a month later")]
    by = {(r["platform_label"], r["metric_label"]): r for r in sio}
    w = ctx.writer
    facts = {}
    for i, p in enumerate(sorted({r["platform_label"] for r in sio})):
        a, b = by.get((p, "seller accounts identified")), by.get((p, "seller accounts still active about a month later"))
        if a and b:
            facts[f"b{i}"], facts[f"a{i}"] = w.fact(b, style="count"), w.fact(a, style="count")
    pairs = [(k, "a" + k[1:]) for k in facts if k.startswith("b")]
    pairs.sort(key=lambda p: (-facts[p[1]].value, facts[p[0]].who))  # the larger sample first
    title, takeaway = "Independent test: accounts selling self-generated CSAM, found and still active", Written("", ())
    if pairs:
        b, a = pairs[0]
        title = w.title(Finding("part_of", f"Researchers found {{{b}.n}} of {{{a}.n}} {{{b}.who}} accounts selling "
                                           "self-generated child sexual abuse material still active about a month later",
                                {a: facts[a], b: facts[b]}))
        # the takeaway stands alone (the home page quotes it without the title): every platform
        # of the study, what was counted and what was found
        takeaway = w.write(Finding(
            "part_of", "In one study, researchers found " + " and ".join(
                f"{{{b}.n}} of {{{a}.n}} {{{b}.who}} accounts" for b, a in pairs)
            + " that were selling self-generated child sexual abuse material still active about a month later",
            {k: facts[k] for p in pairs for k in p}))
    return bar_figure(
        ctx, id="cse-independent-tests", rows=sio,
        title=title,
        category_of=lambda r: r["platform_label"], color_of=lambda r: r["metric_label"],
        x_title="Accounts", x_format="d", takeaway=takeaway,
        caveat="One study with its own method and window; figures come from the publication as reported in the "
               "press (see each row's source). It tests what stayed up, not how much was removed.",
    )


def other_test_findings(ctx: Ctx) -> Figure:
    rows = reported(ctx.points(source_id="independent_tests", policy_areas=["child_sexual_exploitation"]))
    rows = [r for r in rows if r["metric_label"] not in ("seller accounts identified",
                                                         "seller accounts still active about a month later")]
    for r in rows:
        r["series"] = f"{r['platform_label']}: {r['metric_label']}"
    return Figure(
        id="cse-other-test-findings", title="Other independent findings on child sexual abuse material",
        cites=[], takeaway=ctx.writer.write(Finding(
            "tally", f"{len(rows)} further findings from independent tests and audits, each with its own method and period",
            {})).text,
        description="Table only.", rows=rows,
        columns=[Column("series", "Finding"), Column("period", "Period"), Column("value_text", "Value", "value"),
                 Column("unit", "Unit"), Column("doc_title", "Source document")],
        sources=source_refs(ctx, rows), caveat="Each finding stands alone; they are not comparable with each other.",
    )


def build(ctx: Ctx) -> list[Page]:
    recon = reconciliation_figure(ctx, None, "ncmec-reconciliation",
                                  "What platforms say they reported to NCMEC, against what NCMEC counted")
    topic = Topic("child-sexual-exploitation", "child_sexual_exploitation", ("child_safety_broad",))
    rows = ctx.points(policy_areas=topic.areas)
    figures = [f for f in (meta_actioned(ctx), other_platforms_actioned(ctx), proactive_rates(ctx), meta_appeals(ctx),
                           ncmec_by_platform(ctx), recon, x_reports_vs_actions(ctx), independent_tests(ctx),
                           other_test_findings(ctx), topics.latest_table(ctx, topic, rows)) if f]
    dsa_rows = [r for r in dsa.notice_rows(ctx, None, ["child_sexual_exploitation"], with_total=False)]
    dsa_figs = dsa.notices_figures(ctx, "cse-dsa-notices", dsa_rows, per="period")
    figures += dsa_figs
    sor = sor_sections.topic_section(ctx, topic.slug, topic.areas, "../", sor_sections.TOPIC_LEAD[topic.slug],
                                     reports_link="dsa-notices" if dsa_figs else "")
    figures += sor["figures"] if sor else []
    area = ctx.policy_areas["child_sexual_exploitation"]
    return [Page(path="topics/child-sexual-exploitation.md", title="Child sexual exploitation",
                 template="pages/child_sexual_exploitation.md.j2", nav="Topics",
                 context={"area": area, "broad": ctx.policy_areas["child_safety_broad"], "comparability": COMPARABILITY,
                          "figs": {f.id: f for f in figures}, "dsa_figs": dsa_figs, "sor": sor,
                          "annotations": events_for(ctx, sources=sorted(ctx.sources), areas=topic.areas),
                          "platforms": platforms_with_data(rows, ctx.platforms)},
                 figures=figures)]

