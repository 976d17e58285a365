"""The say side next to the evidence: each statement a platform is held to, and under it
the figures and findings that test it (marts claim_topics and claim_evidence), grouped by
how independent they are, plus the measures no source publishes for it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from site_builder import fmt
from site_builder.pages.common import Ctx, Row, first_url

INDEPENDENT_KINDS = {"ngo_test", "regulator", "regulator_database", "audit_finding"}
OWN_KINDS = {"platform_report", "self_reported_finding"}
KIND_NAMES = {"rule": "Rule", "commitment": "Commitment", "policy_change": "Policy change",
              "regulatory_obligation": "Obligation it is under", "audit_finding": "Finding"}


def _figure_item(ctx: Ctx, e: Row) -> dict[str, Any]:
    start, end = e["period_start"], e["period_end"]
    return {
        "type": "figure",
        "label": f"{e['platform_label']}: {e['policy_label']}: {e['metric_label']}",
        "value_text": fmt.value(e["value"], e["unit_kind"], status=e["value_status"], low=e["value_low"],
                                high=e["value_high"], qualifier=e["qualifier"] or "",
                                published=e["value_as_published"] or ""),
        "unit": "" if e["unit_display"] == "%" else e["unit_display"] or e["unit"],  # '97.8%', not '97.8% %'
        "period": fmt.period(start, end),
        "source": e["source_short"],
        "doc_url": first_url(e["source_url"]) or first_url(e["release_url"]),
        "doc_title": e["source_title"] or ctx.releases[e["release_id"]]["title"],
        "locator": e["locator"],
        "release_id": e["release_id"],
        "kind": e["evidence_kind"],
    }


def _finding_item(e: Row) -> dict[str, Any]:
    return {
        "type": "finding",
        "text": e["finding_text"],
        "paraphrase_only": bool(e["finding_paraphrase_only"]),
        "date": e["finding_date"].isoformat() if e["finding_date"] else "date not captured",
        "said_by": e["finding_said_by"],
        "doc_url": first_url(e["source_url"]),
        "doc_title": e["source_title"],
        "locator": e["locator"],
        "kind": e["evidence_kind"],
    }


def statement_fields(c: Row) -> dict[str, Any]:
    """A statement row (stg_claims) with what the statement partial shows: kind, date, link."""
    return {**c, "kind_name": KIND_NAMES[c["kind"]], "date_text": c["date_as_published"] or "date not captured",
            "doc_url": first_url(c["source_url"])}


def claim_blocks(ctx: Ctx, platform_ids: list[str]) -> list[dict[str, Any]]:
    """One block per (statement, platform): the statement and its evidence."""
    claims = ctx.query("claims_for", platforms=platform_ids)
    evidence: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for e in ctx.query("claim_evidence_for", platforms=platform_ids):
        evidence[(e["claim_id"], e["platform_id"])].append(e)
    blocks = []
    for c in claims:
        ev = evidence[(c["claim_id"], c["platform_id"])]
        items = [_finding_item(e) if e["evidence_type"] == "finding" else _figure_item(ctx, e) for e in ev]
        blocks.append({
            **statement_fields(c),
            "independent": [i for i in items if i["kind"] in INDEPENDENT_KINDS],
            "own": [i for i in items if i["kind"] in OWN_KINDS],
            "other": [i for i in items if i["kind"] not in INDEPENDENT_KINDS | OWN_KINDS],
        })
    return blocks


def strongest(block: dict[str, Any]) -> dict[str, Any] | None:
    """The most independent piece of evidence for a statement (first in rank order)."""
    for group in ("independent", "other", "own"):
        if block[group]:
            return block[group][0]
    return None
