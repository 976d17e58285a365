"""Case files: one page per documented case where a platform's stated rule met a test
(data/cases.csv, data/case_items.csv). A case page sets the rules in force then (verbatim,
dated), what the platforms said at the time, what was found (its source named as it is
known), the platforms' own figures for the same period and what was published since, each
with its source. Nothing on a case page is typed prose about numbers: the figures are written
from the data by the finding renderer, the test results by the verdict rules."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from site_builder.findings import Finding, plain_label
from site_builder.pages.claims import _finding_item, statement_fields, test_result
from site_builder.pages.common import Ctx, Page, Row, enrich, source_refs

SECTIONS = {"rules": "The rules in force then", "said": "What the companies said at the time",
            "found": "What was found", "own_figures": "The platforms' own figures for the same period",
            "since": "What has been published since"}


def case_path(case_id: str) -> str:
    return f"cases/{case_id}.md"


def _claim_item(ctx: Ctx, c: Row) -> dict[str, Any]:
    """A statement or a finding as the case shows it."""
    if c["kind"] == "audit_finding":
        item = _finding_item({**c, "finding_said_by": c["said_by"], "finding_text": c["quote"] or c["paraphrase"],
                              "finding_paraphrase_only": c["paraphrase_only"] or not c["quote"],
                              "finding_date": c["date"], "evidence_kind": "self_reported_finding" if c["self_reported"]
                              else "audit_finding", "doc_link": c["doc_url"], "evidence_type": "finding"})
        return {"type": "finding", "item": item, "self_reported": bool(c["self_reported"])}
    return {"type": "statement", "claim": statement_fields(ctx, c)}


def _figure_item(ctx: Ctx, r: Row) -> dict[str, Any]:
    """A published figure as one sentence: who published it, the number, what it counts, the period."""
    r = enrich(r, ctx.label_names)
    r["doc_url"] = r.get("doc_number_url") or ""
    who = r["platform_label"]
    src = ctx.sources[r["source_id"]]
    by = (f"{who}'s own report ({src['short']})" if src["kind"] == "platform_report"
          else f"{src['short']} (which compiles {who}'s transparency reports)")
    w = ctx.writer
    if r["unit_kind"] == "percent":
        finding = Finding("level", f"{by} gives a {plain_label(r['metric_label']).lower()} of {{x}} under "
                                   f"'{r['policy_label']}' in {{x.period}}", {"x": w.fact(r)})
    else:
        finding = Finding("level", f"{by} gives {{x}} under '{r['policy_label']}' in {{x.period}}",
                          {"x": w.fact(r, style="count", unit=f"{plain_label(r['metric_label']).lower()}"
                                       if r["metric_id"] != "content_actioned" else "pieces of content actioned")})
    said = w.write(finding)
    return {"type": "figure", "text": said.text, "rows": list(said.rows), "row": r}


def build(ctx: Ctx) -> list[Page]:
    cases = ctx.rows("SELECT * FROM stg_cases ORDER BY date DESC, case_id")
    items = ctx.rows("SELECT * FROM stg_case_items ORDER BY case_id, section_rank, line")
    claims = {c["claim_id"]: c for c in ctx.rows("SELECT * FROM stg_claims ORDER BY claim_id")}
    figures = {(r["case_id"], r["line"]): r for r in ctx.rows("SELECT * FROM case_figures ORDER BY case_id, line")}
    tests = defaultdict(list)
    for r in ctx.rows("SELECT * FROM test_results ORDER BY test_id, platform_id, policy_label, period_end, release_id"):
        tests[(r["test_id"], r["platform_id"], r["policy_label"])].append(r)
    verdict_names = {r["verdict"]: r for r in ctx.rows("SELECT * FROM tax_verdicts ORDER BY verdict")}
    pages = []
    for case in cases:
        sections: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}
        source_rows: list[Row] = []
        for i in (i for i in items if i["case_id"] == case["case_id"]):
            if i["kind"] == "claim":
                entry = _claim_item(ctx, claims[i["ref"]])
            elif i["kind"] == "figure":
                entry = _figure_item(ctx, figures[(i["case_id"], i["line"])])
                source_rows.append(entry["row"])
            else:
                entry = {"type": "test", "results": [
                    {**test_result(ctx, r), "verdict_tag": verdict_names[r["verdict"]]}
                    for r in tests[tuple(i["ref_parts"][:3])]]}
            sections[i["section"]].append({**entry, "why": i["why"]})
        pages.append(Page(
            path=case_path(case["case_id"]), title=case["title"].split(":")[0], template="pages/case.md.j2",
            nav="Cases", context={"case": case, "sections": sections, "section_names": SECTIONS,
                                  "platforms": [ctx.platforms[p] for p in case["platform_ids"]],
                                  "figure_sources": source_refs(ctx, source_rows)}))
    return pages


def newest(ctx: Ctx) -> Row | None:
    """The newest case (for the home page), or None."""
    rows = ctx.rows("SELECT * FROM stg_cases ORDER BY date DESC, case_id LIMIT 1")
    return {**rows[0], "href": case_path(rows[0]["case_id"]).replace(".md", ".html")} if rows else None
