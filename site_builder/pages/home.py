"""Home page: what the site is, the child-safety headlines (each with its sources), and
where to go next. Headlines reuse the takeaways of the figures they summarise, so the
home page and the topic page never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.figures import Figure, SourceItem, SourceRef
from site_builder.findings import Finding
from site_builder.pages import child_safety
from site_builder.pages.common import Ctx, Page


@dataclass(frozen=True)
class Headline:
    """One sentence written from the data, its sources, the rows its numbers come from (so
    each number links to its document) and the page that shows the evidence."""

    text: str
    sources: list[SourceRef]
    link: str
    link_text: str
    caveat: str = ""
    rows: tuple = ()


def _from_figure(fig: Figure, anchor_page: str) -> Headline:
    return Headline(text=fig.takeaway, sources=fig.sources, link=f"{anchor_page}#{fig.id}",
                    link_text=fig.title, caveat=fig.caveat, rows=tuple(fig.rows))


def build(ctx: Ctx) -> list[Page]:
    topic = "topics/child-sexual-exploitation.html"
    headlines = [
        _from_figure(child_safety.meta_actioned(ctx), topic),
        _from_figure(child_safety.ncmec_by_platform(ctx), topic),
        _from_figure(child_safety.x_reports_vs_actions(ctx), topic),
        _from_figure(child_safety.independent_tests(ctx), topic),
    ]
    rev = ctx.rows("SELECT (SELECT count(*) FROM revisions WHERE source_id = 'meta_cser') AS n, "
                   "(SELECT count(*) FROM (SELECT DISTINCT platform_label, policy_key, metric_key, period_start, "
                   "period_end, geo_code FROM revisions WHERE source_id = 'meta_cser')) AS figures, "
                   "min(edition) AS first, max(edition) AS last FROM releases "
                   "WHERE source_id = 'meta_cser' AND snapshot = 'full' AND kind = 'raw'")[0]
    meta = ctx.sources["meta_cser"]
    rev_sources = [SourceRef(source=f"{meta['publisher']}: {meta['title']}", licence=meta["licence"], citation="",
                             items=(SourceItem(f"CSV editions {rev['first']} to {rev['last']}",
                                               ctx.releases[f"meta_cser-{rev['last']}"]["doc_url"] or "",
                                               f"meta_cser-{rev['last']}",
                                               tag=ctx.releases[f"meta_cser-{rev['last']}"]["doc_label"] or ""),))
                   ] if rev["n"] else []
    if rev["n"]:
        headlines.append(Headline(
            text=ctx.writer.write(Finding(
                "tally", f"Between its {rev['first']} and {rev['last']} editions, Meta made {rev['n']:,} changes to "
                         f"{rev['figures']:,} figures it had already published, without marking them as revised", {})).text,
            sources=rev_sources, link="revisions.html", link_text="Revisions",
            # the count is the site's, not a published figure: it links to the list of every
            # revised figure, each with the locators of both editions
            rows=({"value": rev["n"], "doc_url": "revisions.html#meta_cser", "period": "",
                   "locator": f"the {rev['n']:,} changes, each with both editions' file and line"},)))
    counts = ctx.rows("SELECT count(*) AS obs, count(DISTINCT release_id) AS rel, count(DISTINCT source_id) AS src "
                      "FROM stg_observations")[0]
    return [Page(path="index.md", title="Home", template="pages/index.md.j2", nav="",
                 context={"headlines": headlines, "counts": counts})]
