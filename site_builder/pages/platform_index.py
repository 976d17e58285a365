"""The All platforms page (one row per platform or company: what the site holds for it and
where it is) and the shared page of providers with too few figures for a page of their own
(one section each: its figures, their sources, its statements)."""

from __future__ import annotations

from site_builder import fmt
from site_builder.pages.claims import claim_blocks
from site_builder.pages.common import (
    OWN_PAGE_MIN_FIGURES,
    SHARED_PAGE,
    Ctx,
    Page,
    Row,
    platform_href,
    source_refs,
)
from site_builder.pages.health import stale_notices

INDEX_PATH = "platforms/index.md"
TEST_SOURCES = ["independent_tests", "eu_coc_hate_speech"]
# the groups of the index's default order, and what each says in its 'Where' cell
GROUPS = {1: "In the sidebar", 2: "Own page", 3: "Shared page"}


def index_rows(ctx: Ctx, root: str) -> list[Row]:
    """One row per platform or company with figures (sql/queries/platform_index.sql), with
    its group, its link and the text of every cell; in the default order: group, then name."""
    rows = []
    for r in ctx.query("platform_index", test_sources=TEST_SOURCES):
        own = r["figures"] >= OWN_PAGE_MIN_FIGURES
        group = 1 if own and r["major"] else 2 if own else 3
        first, last = fmt.period(r["first_start"], r["first_end"]), fmt.period(r["last_start"], r["last_end"])
        rows.append({
            **r, "group": group, "where": GROUPS[group], "href": platform_href(ctx, r["platform_id"], root),
            "slug": r["platform_id"].replace("_", "-"),
            "periods_text": fmt.span_text(first, last), "first_iso": r["first_start"].isoformat(),
            "ncmec_text": (f"{r['ncmec_first']}" if r["ncmec_first"] == r["ncmec_last"]
                           else f"{r['ncmec_first']}–{r['ncmec_last']}") + f" ({fmt.plural(r['ncmec_years'], 'year')})"
            if r["ncmec_years"] else "none",
            "revised_text": f"{fmt.plural(r['revised_figures'], 'figure')} ({fmt.plural(r['revisions'], 'change')})"
            if r["revisions"] else "none",
        })
    rows.sort(key=lambda r: (r["group"], r["name"].casefold(), r["platform_id"]))
    return rows


def index_page(ctx: Ctx) -> Page:
    """platforms/index.md: every platform and company with figures, in one table."""
    root = "../"
    rows = index_rows(ctx, root)
    groups = {g: [r for r in rows if r["group"] == g] for g in GROUPS}
    ncmec = ctx.query("clearinghouse_totals")[0]
    return Page(
        path=INDEX_PATH, title="All platforms", template="pages/platform_index.md.j2", nav="Platforms",
        context={"rows": rows, "majors": groups[1], "own": groups[2], "shared": groups[3],
                 "min_figures": OWN_PAGE_MIN_FIGURES, "shared_href": SHARED_PAGE.removeprefix("platforms/") + ".md",
                 "ncmec": ncmec, "ncmec_source": ctx.sources.get("ncmec_esp")})


def provider_rows(ctx: Ctx, pid: str) -> list[Row]:
    """A provider's published figures as table rows (value linked to its document)."""
    rows = ctx.points(platforms=[pid])
    for r in rows:
        r["what"] = f"{r['policy_label']}: {r['metric_label']}"
        r["source"] = ctx.sources[r["source_id"]]["short"]
        r["unit_text"] = r["unit_display"] or r["unit"] or ""
    ctx.selection()  # these rows go to a table of the page, not to a figure
    return sorted(rows, key=lambda r: (r["period_start"], r["period_end"], r["source_id"], r["what"], r["locator"]))


def shared_page(ctx: Ctx, pids: list[str]) -> Page:
    """platforms/other-providers.md: one section per provider with fewer than
    OWN_PAGE_MIN_FIGURES published figures."""
    providers = []
    for pid in sorted(pids, key=lambda p: (ctx.platforms[p]["name"].casefold(), p)):
        p = ctx.platforms[pid]
        rows = provider_rows(ctx, pid)
        providers.append({"platform": p, "slug": pid.replace("_", "-"), "rows": rows,
                          "sources": source_refs(ctx, rows), "claims": claim_blocks(ctx, [pid]),
                          "stale": stale_notices(ctx, platform_id=pid)})
    by_source: dict[str, int] = {}
    for v in providers:
        for r in v["rows"]:
            by_source[r["source_id"]] = by_source.get(r["source_id"], 0) + 1
    return Page(
        path=SHARED_PAGE + ".md", title="Other providers", template="pages/other_providers.md.j2", nav="none",
        context={"providers": providers, "min_figures": OWN_PAGE_MIN_FIGURES,
                 "n_figures": sum(len(v["rows"]) for v in providers),
                 "by_source": [(ctx.sources[s], n) for s, n in sorted(by_source.items(), key=lambda x: (-x[1], x[0]))]})
