"""The 'Say vs do' page: platform x policy area, each cell the platform's statement, the
strongest evidence, the independent result, and what no source reports."""

from __future__ import annotations

from typing import Any

from site_builder.pages.claims import INDEPENDENT_KINDS, claim_blocks, statement_fields, strongest
from site_builder.pages.common import Ctx, Page, platform_href

AREAS = ["child_sexual_exploitation", "hate_speech", "terrorism_violent_extremism", "bullying_harassment",
         "all_policies"]
RANK = {"ngo_test": 1, "regulator": 2, "audit_finding": 2, "regulator_database": 3, "clearinghouse": 4,
        "platform_report": 5, "self_reported_finding": 5, "compilation": 6}


def area_name(ctx: Ctx, area: str) -> str:
    return "Enforcement in general" if area == "all_policies" else ctx.policy_areas[area]["name"]


def cell(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """One platform and policy area: its statements, the verdict of the cell (the most severe
    verdict of its statements, data/taxonomy/verdicts.csv ranks them), the statement that
    verdict belongs to (``claim``: the first tested one, else the first), how many statements
    an independent test tests, the strongest other evidence, findings without counts, the
    statements that come with rows of the platform's own DSA report (``dsa``: their flags never
    change a verdict) and the measures no source publishes."""
    ranked = sorted(blocks, key=lambda b: b["verdict"]["rank"])  # stable: keeps the query's order within a verdict
    lead = ranked[0]
    evidence = [e for e in (strongest(b) for b in blocks) if e]
    best = min(evidence, key=lambda e: RANK.get(e["kind"], 9)) if evidence else None
    findings = list({(i.get("text"), i.get("label"), i.get("value_text"), i.get("period")): i
                     for b in blocks for i in b["independent"]
                     if i["kind"] in INDEPENDENT_KINDS and not i.get("repeat")}.values())
    missing = sorted({m for b in blocks for m in b["not_reported"]})
    # the platform's own DSA report rows under each statement promising action on reports (decide no verdict)
    dsa = [b for b in blocks if b.get("dsa")]
    return {"claim": lead, "verdict": lead["verdict"], "others": [b for b in blocks if b is not lead], "dsa": dsa,
            "n": len(blocks), "n_tested": sum(b["verdict"]["verdict"] != "not_tested" for b in blocks),
            "strongest": best, "findings": findings, "missing": missing}


def build(ctx: Ctx) -> list[Page]:
    platform_ids = [r["platform_id"] for r in ctx.rows(
        "SELECT DISTINCT unnest(platform_ids) AS platform_id FROM stg_claims WHERE kind <> 'audit_finding' ORDER BY 1")]
    platform_ids = sorted((p for p in platform_ids if ctx.platforms[p]["kind"] != "aggregate"),
                          key=lambda p: (ctx.platforms[p]["name"], p))
    blocks = claim_blocks(ctx, platform_ids)
    rows = []
    for pid in platform_ids:
        for area in AREAS:
            sel = [b for b in blocks if b["platform_id"] == pid and b["policy_area"] == area]
            if sel:
                rows.append({"platform": ctx.platforms[pid], "platform_id": pid, "href": platform_href(ctx, pid),
                             "policy_area": area, "anchor": f"{pid}-{area}".replace("_", "-"),
                             "area": area_name(ctx, area), **cell(sel)})
    untested = sum(1 for r in rows if not r["n_tested"])
    verdict_names = ctx.rows("SELECT verdict, name FROM tax_verdicts ORDER BY CAST(rank AS INTEGER), verdict")
    by_key = {(r["platform_id"], r["policy_area"]): r for r in rows}
    matrix = [{"platform": ctx.platforms[pid], "platform_id": pid, "cells": [by_key.get((pid, a)) for a in AREAS]}
              for pid in platform_ids]
    unplaced = [{**statement_fields(ctx, c), "area": area_name(ctx, c["policy_area"])} for c in ctx.query("claims_unplaced")]
    return [Page(path="say-vs-do.md", title="Say vs do", template="pages/say_vs_do.md.j2", nav="",
                 context={"rows": rows, "untested": untested, "n_statements": len(blocks),
                          "unplaced": unplaced,
                          "matrix": matrix, "verdict_names": verdict_names,
                          "tested": [r for r in rows if r["n_tested"]], "area_names": [area_name(ctx, a) for a in AREAS]})]
