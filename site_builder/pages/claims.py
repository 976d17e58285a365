"""The say side next to the evidence: each statement a platform is held to, and under it
the figures and findings that test it (marts claim_topics and claim_evidence), grouped by
how independent they are, plus the measures no source publishes for it."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from site_builder import fmt
from site_builder.findings import policy_name
from site_builder.pages.common import Ctx, Row, readable, reader_note

INDEPENDENT_KINDS = {"ngo_test", "regulator", "regulator_database", "audit_finding"}
OWN_KINDS = {"platform_report", "self_reported_finding"}
KIND_NAMES = {"rule": "Rule", "commitment": "Commitment", "policy_change": "Policy change",
              "regulatory_obligation": "Obligation it is under", "audit_finding": "Finding"}


def named(ctx: Ctx, label: str) -> str:
    """A published label with the codes it quotes given their names (data/taxonomy/label_names.csv)."""
    return ctx.label_names.get(label or "") or readable(label or "", ctx.label_names)


def _figure_item(ctx: Ctx, e: Row) -> dict[str, Any]:
    start, end = e["period_start"], e["period_end"]
    fact = ctx.writer.fact({**e, "period": fmt.period(start, end)}, style="count")
    return {
        "type": "figure",
        "label": ": ".join(named(ctx, x) for x in (e["platform_label"], policy_name(e["policy_label"]), e["metric_label"])),
        # the number with its bound, task and place ('5,175,233 (in the United States)'); the unit follows
        "value_text": fact.number() + (f" ({fact.place()})" if fact.place() else ""),
        "unit": "" if e["unit_display"] == "%" else e["unit_display"] or e["unit"],  # '97.8%', not '97.8% %'
        "period": fmt.period(start, end),
        "source": e["source_short"],
        **doc_fields(e),
        "doc_title": e["source_title"] or ctx.releases[e["release_id"]]["title"],
        "locator": e["locator"],
        "release_id": e["release_id"],
        "kind": e["evidence_kind"],
    }


# 'eSafety Commissioner (as summarised by newsweek.nyc)': the words are the summary's, not the body's
_SUMMARISED = re.compile(r"^(?P<who>.+?)\s*\(as (?:summarised|summarized|reported) by (?P<by>[^)]+)\)\s*$")


def said_by(text: str | None) -> tuple[str, bool]:
    """Who the quoted words are by, and whether they are a secondary source's: a finding
    'as summarised by' a publication quotes that publication's words about the finding,
    so they are attributed to it ('newsweek.nyc, summarising eSafety Commissioner')."""
    m = _SUMMARISED.match(text or "")
    if not m:
        return text or "", False
    return f"{m['by'].strip()}, summarising {m['who'].strip()}", True


def _finding_item(e: Row) -> dict[str, Any]:
    who, secondary = said_by(e["finding_said_by"])
    return {
        "type": "finding",
        "text": e["finding_text"],
        "paraphrase_only": bool(e["finding_paraphrase_only"]),
        "date": fmt.date_text(e["finding_date"], e["date_precision"]) or "date not captured",
        "said_by": who,
        "secondary": secondary,
        **doc_fields(e),
        "doc_title": e["source_title"],
        "locator": e["locator"],
        "kind": e["evidence_kind"],
    }


def doc_fields(r: Row) -> dict[str, str]:
    """What a statement or evidence partial needs of a row's document reference: the link
    (``doc_url``; for a figure only an address that may carry its number), the label shown
    next to it and, where there is no link, what is known of the document."""
    url = (r.get("doc_number_url") if r.get("evidence_type") == "figure"
           else r.get("doc_link") or r.get("doc_url")) or ""
    return {"doc_url": url, "doc_label": (r.get("doc_label") or "") if url else "",
            "doc_text": "" if url else (r.get("doc_text") or "")}


def statement_fields(ctx: Ctx, c: Row) -> dict[str, Any]:
    """A statement row (stg_claims) with what the statement partial shows: kind, its date
    with ISO dates in words and Open Terms Archive captures named as such, its link and the
    curator's note as readers see it."""
    return {**c, "note": reader_note(c.get("note"), ctx.note_rules), "kind_name": KIND_NAMES[c["kind"]],
            "date_text": fmt.dates_in_words(c["date_as_published"]) or "date not captured", **doc_fields(c)}


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
            **statement_fields(ctx, c),
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
