"""Methodology page: definitions, what is not comparable, how numbers are read and checked."""

from __future__ import annotations

from site_builder import settings
from site_builder.pages.common import Ctx, Page
from site_builder.warehouse import describe_check


def build(ctx: Ctx) -> list[Page]:
    usage = ctx.query("metric_usage")
    metrics = []
    for mid, m in sorted(ctx.metrics.items(), key=lambda kv: kv[1]["name"]):
        per_source = [u for u in usage if u["metric_id"] == mid and u["source_id"]]
        metrics.append({**m, "per_source": per_source})
    checks = [{"name": p.stem, "description": describe_check(p.read_text(encoding="utf-8"))}
              for p in sorted((settings.SQL_DIR / "checks").glob("*.sql"))]
    held = ctx.query("held_back_list")
    return [Page(path="methodology.md", title="Methodology", template="pages/methodology.md.j2", nav="About the data",
                 context={"metrics": metrics, "areas": list(ctx.policy_areas.values()), "checks": checks,
                          "held_back": held, "conflicts": ctx.query("conflicts"),
                          "quarantined": ctx.query("quarantined_list")})]
