"""Methodology page: definitions, what is not comparable, how numbers are read and checked."""

from __future__ import annotations

from site_builder import fmt, settings
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
    dsa_columns = ctx.rows(
        "SELECT l.label AS header, l.metric_key, m.name, m.definition FROM tax_metric_labels AS l JOIN metrics AS m USING (metric_id) "
        "WHERE l.source_id = 'dsa_reports' ORDER BY l.metric_key", {})
    order = {k: i for i, k in enumerate(("dsa_notices", "dsa_notices_trusted_flaggers", "dsa_notice_items",
                                         "dsa_notice_items_trusted_flaggers", "dsa_median_time_to_action",
                                         "dsa_median_time_to_action_trusted_flaggers", "dsa_actions_law",
                                         "dsa_actions_law_trusted_flaggers", "dsa_actions_terms",
                                         "dsa_actions_terms_trusted_flaggers"))}
    dsa_columns.sort(key=lambda r: order.get(r["metric_key"], len(order)))
    dsa_areas = ctx.rows(
        "SELECT pa.name AS area, list(DISTINCT {'code': n.code, 'name': coalesce(t.name, n.code)} "
        "ORDER BY {'code': n.code, 'name': coalesce(t.name, n.code)}) AS codes "
        "FROM dsa_notice_rows AS n JOIN policy_areas AS pa ON pa.policy_area = n.policy_area "
        "LEFT JOIN tax_dsa_template AS t ON t.code = n.code "
        "WHERE n.policy_area NOT IN ('other') GROUP BY pa.name, pa.rank ORDER BY pa.rank, pa.name", {})
    dsa_tf = ctx.rows(
        "SELECT platform_id, any_value(service) AS service, count(*) AS n_rows, count(DISTINCT release_id) AS n_reports "
        "FROM dsa_notice_rows WHERE notices = 0 AND notices_tf > 0 AND row_kind = 'keyword' "
        "GROUP BY platform_id ORDER BY platform_id", {})
    dsa_checks = ctx.rows("SELECT name, basis FROM tax_dsa_checks ORDER BY TRY_CAST(rank AS INTEGER), kind", {})
    sor_months = [fmt.date_text(r["edition_end"], "month") for r in ctx.rows(
        "SELECT DISTINCT edition_end FROM releases WHERE source_id = 'dsa_sor' ORDER BY edition_end", {})]
    return [Page(path="methodology.md", title="Methodology", template="pages/methodology.md.j2", nav="About the data",
                 context={"metrics": metrics, "areas": list(ctx.policy_areas.values()), "checks": checks,
                          "held_back": held, "conflicts": ctx.query("conflicts"),
                          "quarantined": ctx.query("quarantined_list"),
                          "verdicts": verdicts, "verdict_tests": tests, "dsa_columns": dsa_columns,
                          "dsa_areas": dsa_areas, "dsa_checks": dsa_checks, "dsa_tf": dsa_tf,
                          "sor_months": sor_months})]
