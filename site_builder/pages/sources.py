"""Sources page: the catalog, every release with its checksum, and cross-checks."""

from __future__ import annotations

from site_builder import docref, fmt
from site_builder.pages.common import Ctx, Page
from site_builder.pages.health import stale_notices


def build(ctx: Ctx) -> list[Page]:
    releases = ctx.query("catalog_releases")
    for r in releases:
        ref = docref.resolve(r["url"], title=r.get("title") or "")
        r["url"], r["url_label"] = ref.url, ref.label
        r["edition_end_text"] = fmt.date_text(r["edition_end"]) if r.get("edition_end") else ""
        r["retrieved_text"] = fmt.date_text(r["first_ingested"]) if r.get("first_ingested") else ""
    by_source = []
    for sid, src in sorted(ctx.sources.items(), key=lambda kv: kv[1]["publisher"].lower()):
        rels = [r for r in releases if r["source_id"] == sid]  # a catalogued source without one yet is listed too
        ref = docref.resolve(src["url"])
        by_source.append({**src, "url": ref.url, "url_label": ref.label, "url_text": src["url"] if not ref.url else "",
                          "releases": rels, "stale": stale_notices(ctx, source_id=sid),
                          "observations": sum(r["observations"] for r in rels)})
    return [Page(path="sources.md", title="Sources", template="pages/sources.md.j2", nav="About the data",
                 context={"sources": by_source, "n_releases": len(releases),
                          "n_observations": sum(r["observations"] for r in releases),
                          "crosschecks": ctx.query("curated_vs_raw_summary"),
                          "disagreements": ctx.query("curated_vs_raw_disagreements"),
                          "not_in_raw": ctx.query("curated_not_in_raw")})]
