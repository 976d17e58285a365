"""Home page: what the site is in one sentence; the strongest say-versus-do contrasts as
cards (the statement, quoted and dated; the test result with its numerator and denominator;
the verdict; one link), child safety first; one chart; what changed recently (the newest
case, the latest period each source covers, revisions); and entry points by topic and
platform. Every card and sentence is written from the data by the same code as the pages it
links to, so the home page and those pages never disagree."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from site_builder import fmt
from site_builder.figures import SourceItem, SourceRef
from site_builder.findings import Finding
from site_builder.pages import cases, child_safety
from site_builder.pages.claims import claim_blocks
from site_builder.pages.common import Ctx, Page

CARDS = 3


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


def card_date(block: dict) -> str:
    """A statement's date as a card states it: a date read from an archived copy ('in force
    2022-04-19 (OTA record)') is when the copy was recorded, not when the platform said it."""
    when = fmt.date_text(block["date"], block["date_precision"]) or "undated"
    recorded = "OTA" in (block.get("date_as_published") or "") and "dated" not in block["date_as_published"]
    return f"in force when recorded, {when}" if recorded and block["date"] else when


def contrasts(ctx: Ctx) -> list[dict]:
    """Up to CARDS say-versus-do cards, one per platform (query home_contrasts): the statement
    block (as on the platform page) with its verdict and deciding test, and the say-vs-do anchor."""
    picked, seen = [], set()
    for r in ctx.query("home_contrasts"):
        if r["platform_id"] in seen:
            continue
        seen.add(r["platform_id"])
        block = next(b for b in claim_blocks(ctx, [r["platform_id"]]) if b["claim_id"] == r["claim_id"])
        picked.append({"block": block, "verdict": block["verdict"], "platform": ctx.platforms[r["platform_id"]],
                       "area": r["area_name"], "date": card_date(block),
                       "anchor": f"say-vs-do.html#{r['platform_id']}-{r['policy_area']}".replace("_", "-")})
        if len(picked) == CARDS:
            break
    return picked


def latest_periods(ctx: Ctx) -> list[dict]:
    """Per source, the latest period its figures in this site cover, latest first."""
    rows = ctx.rows("SELECT s.source_id, max(s.period_end) AS last_end FROM series AS s "
                    "WHERE s.value IS NOT NULL AND NOT s.conflict GROUP BY ALL ORDER BY last_end DESC, s.source_id")
    out = []
    for r in rows[:6]:
        last = ctx.rows("SELECT period_start, period_end FROM series WHERE source_id = $s AND period_end = $e "
                        "AND value IS NOT NULL ORDER BY period_start DESC LIMIT 1", {"s": r["source_id"], "e": r["last_end"]})[0]
        src = ctx.sources[r["source_id"]]
        out.append({"source_id": r["source_id"], "name": f"{src['publisher']}: {src['title']}",
                    "period": fmt.period(last["period_start"], last["period_end"])})
    return out


def build(ctx: Ctx) -> list[Page]:
    chart = child_safety.meta_actioned(ctx)
    chart = dataclasses.replace(chart, id="home-" + chart.id)
    rev = ctx.rows("SELECT (SELECT count(*) FROM revisions WHERE source_id = 'meta_cser') AS n, "
                   "(SELECT count(*) FROM (SELECT DISTINCT platform_label, policy_key, metric_key, period_start, "
                   "period_end, geo_code FROM revisions WHERE source_id = 'meta_cser')) AS figures, "
                   "min(edition) AS first, max(edition) AS last FROM releases "
                   "WHERE source_id = 'meta_cser' AND snapshot = 'full' AND kind = 'raw'")[0]
    revision = None
    if rev["n"]:
        meta = ctx.sources["meta_cser"]
        last = ctx.releases[f"meta_cser-{rev['last']}"]
        revision = Headline(
            text=ctx.writer.write(Finding(
                "tally", f"Between its {rev['first']} and {rev['last']} editions, Meta made {rev['n']:,} changes to "
                         f"{rev['figures']:,} figures it had already published, without marking them as revised", {})).text,
            sources=[SourceRef(source=f"{meta['publisher']}: {meta['title']}", licence=meta["licence"], citation="",
                               items=(SourceItem(f"CSV editions {rev['first']} to {rev['last']}", last["doc_url"] or "",
                                                 f"meta_cser-{rev['last']}", tag=last["doc_label"] or ""),))],
            link="revisions.html", link_text="Revisions",
            # the count is the site's, not a published figure: it links to the list of every
            # revised figure, each with the locators of both editions
            rows=({"value": rev["n"], "doc_url": "revisions.html#meta_cser", "period": "",
                   "locator": f"the {rev['n']:,} changes, each with both editions' file and line"},))
    topics = [{**a, "href": f"topics/{pa.replace('_', '-')}.md"}
              for pa, a in sorted(ctx.policy_areas.items(), key=lambda kv: int(kv[1]["rank"]))
              if str(a.get("topic_page")).lower() == "true"]
    counts = ctx.rows("SELECT count(*) AS obs, count(DISTINCT release_id) AS rel, count(DISTINCT source_id) AS src "
                      "FROM stg_observations")[0]
    return [Page(path="index.md", title="Home", template="pages/index.md.j2", nav="",
                 context={"cards": contrasts(ctx), "chart": chart, "revision": revision, "case": cases.newest(ctx),
                          "latest": latest_periods(ctx), "topics": topics, "counts": counts,
                          "n_sources": ctx.rows("SELECT count(DISTINCT source_id) AS n FROM series "
                                                "WHERE value IS NOT NULL AND NOT conflict")[0]["n"]},
                 figures=[chart])]
