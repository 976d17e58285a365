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
    verdicts = ctx.rows("SELECT v.verdict, v.name, v.definition, r.share_left_up_above, r.share_left_up_at_most, "
                        "(SELECT count(*) FROM claim_verdicts AS c WHERE c.verdict = v.verdict) AS n "
                        "FROM tax_verdicts AS v LEFT JOIN tax_verdict_rules AS r USING (verdict) "
                        "ORDER BY CAST(v.rank AS INTEGER), v.verdict")
    tests = ctx.rows("SELECT test_id, evidence, what_it_tests, statement_kinds FROM tax_verdict_tests ORDER BY test_id")
    return [Page(path="methodology.md", title="Methodology", template="pages/methodology.md.j2", nav="About the data",
                 context={"metrics": metrics, "areas": list(ctx.policy_areas.values()), "checks": checks,
                          "held_back": held, "conflicts": ctx.query("conflicts"),
                          "quarantined": ctx.query("quarantined_list"),
                          "verdicts": verdicts, "verdict_tests": tests})]
