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
from site_builder.pages.dsa import _cell as dsa_cell

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


def test_result(ctx: Ctx, r: Row) -> dict[str, Any]:
    """One independent test result that tests a statement (mart claim_verdict_tests or the
    deciding test of claim_verdicts): the sentence of data/taxonomy/verdict_tests.csv with the
    published counts (``rows``, so each number links to its document; the number left up is
    their difference and links nowhere), the test, its period and the verdict it decides."""
    period = fmt.period(r["period_start"], r["period_end"], approximate=_rough_window(ctx, r))
    who = ctx.platforms[r["platform_id"]]["name"]

    def n(v: float | None) -> str:
        return fmt.count(v) if v is not None else ""

    slots = {"who": who, "numerator": n(r["numerator"]), "denominator": n(r["denominator"]), "left_up": n(r["left_up"]),
             "numerator_label": r["numerator_label"]}
    text = r["result_template"].format(**slots)
    short = r["result_short_template"].format(**slots)
    base = {"release_id": r["release_id"], "period": period, "doc_label": r.get("doc_label") or ""}
    rows = [{**base, "value": r["numerator"], "doc_url": r["numerator_doc_url"] or "", "locator": r["numerator_locator"]}]
    if r["denominator"] is not None:
        rows.append({**base, "value": r["denominator"], "doc_url": r["denominator_doc_url"] or "",
                     "locator": r["denominator_locator"]})
    return {"text": f"{text} ({r['source_title']}, {period})", "rows": rows,
            "short": f"{short} ({_tester(ctx, r['source_title'])}, {period})", "test": r["source_title"],
            "period": period, "verdict": r["verdict"], "what": r["what_it_tests"],
            "share_left_up": r["share_left_up"], "numerator": r["numerator"], "denominator": r["denominator"]}


def _tester(ctx: Ctx, title: str) -> str:
    """Who ran a test, from its title ('SIO, Cross-Platform Dynamics ...; figures via press' ->
    'Stanford Internet Observatory, as reported in the press'; abbreviations are named in
    data/taxonomy/label_names.csv)."""
    word = title.split(" ")[0].rstrip(",;")
    who = ctx.label_names[word] if word in ctx.label_names else title.split(",")[0].split(";")[0].strip()
    # counts read in a press summary, not in the report ('figures via press', 'counts via ... summary')
    return who + (", as reported in the press" if " via " in title else "")


def _rough_window(ctx: Ctx, r: Row) -> bool:
    """Whether a curator marks the test's window approximate on any row of the same study and
    window (the rule Ctx.points applies to figures)."""
    rough = getattr(ctx, "_rough_test_windows", None)
    if rough is None:
        rough = {(x["release_id"], x["source_title"], x["period_start"], x["period_end"])
                 for x in ctx.rows("SELECT DISTINCT release_id, source_title, period_start, period_end, note FROM series "
                                   "WHERE note IS NOT NULL ORDER BY ALL") if fmt.APPROXIMATE.search(x["note"] or "")}
        ctx._rough_test_windows = rough
    return (r["release_id"], r["source_title"], r["period_start"], r["period_end"]) in rough


# --- the platform's own DSA report (mart claim_dsa_evidence): evidence that decides no verdict ---

DSA_FIGURES = ("notices", "notices_tf", "items", "items_tf", "law", "law_tf", "terms", "terms_tf", "median", "median_tf")
COLUMN_NAMES = {"median": "Median time to take action", "median_tf": "Median time to take action (Trusted Flagger "
                "notices)"}  # the template's headers, for a row that does not give its own

DSA_UNITS = ("Notices, items of information and actions are different units: one notice can name several items and "
             "one action can follow several notices, so no share of notices acted on can be computed; the only ratio "
             "shown is actions per item notified (actions on the basis of the law plus those on the basis of the terms "
             "and conditions, divided by the items of information notified). These are notices under Article 16 DSA "
             "about the service in the EU: the platform can count other user reports elsewhere.")


def _dsa_figure(r: Row, key: str) -> str:
    """A figure of a DSA report row written as the tables of the DSA section write it
    (site_builder.pages.dsa._cell): a whole number with thousands separators ('0', not '0.0'),
    a fraction exactly as published ('2.3167'), 'N/A' as published, 'not given' for an empty cell."""
    return dsa_cell(r, key)


def _half_year(start: Any, end: Any) -> str:
    """'July to December 2025' (or 'December 2025 to May 2026' across a year)."""
    a, b = fmt.date_text(start, "month"), fmt.date_text(end, "month")
    return f"{a.split()[0]} to {b}" if a.split()[-1] == b.split()[-1] else f"{a} to {b}"


def _dsa_row_name(r: Row) -> str:
    name = r.get("code_name") or r["code"]
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name


# a provider's note on a median-time column saying the median leaves out notices with no action
# (X: 'Cases where no action was taken are excluded from the median calculation.'; Meta: 'Article
# 16 notices not resulting in an action taken are not included in the calculation.')
_NO_ACTION_LEFT_OUT = re.compile(r"[^.\n]*\b(?:no action|not resulting in an? action|without (?:any )?action)\b"
                                 r"[^.\n]*\b(?:excluded|not included|not counted)\b[^.\n]*\.?", re.I)


def no_action_note(note: str | None) -> str:
    """The sentence of a provider's column note that says notices with no action are left out
    of the median, verbatim ('' when the note says no such thing)."""
    m = _NO_ACTION_LEFT_OUT.search(note or "")
    return m.group(0).strip() if m else ""


def _report_name(who: str, period: str, published: Any) -> str:
    """'X's DSA transparency report for July to December 2025, published 2 March 2026' (dates in words)."""
    when = f", published {fmt.date_text(published)}" if published else ", publication date not recorded"
    return f"{who}'s DSA transparency report for {period}{when}"


def _report_source(r: Row, name: str) -> str:
    """The report as the source line names it, with the copy the figures were read from:
    '... (EU; the provider's CSV as archived in krMaynard/dsa-transparency-data — the
    provider's own report page is not recorded)'."""
    label = (r.get("doc_label") or "").strip()
    label = re.sub(r"\s*\((.*)\)$", r" — \1", label)  # the label's own brackets inside the source's
    if not label and not r.get("doc_url"):
        label = "address not recorded"
    return f"{name} (EU{'; ' + label if label else ''})"


def dsa_item(ctx: Ctx, r: Row) -> dict[str, Any]:
    """One row of the platform's own DSA report with a statement: the report it is from
    (``lead``, written out, so no day of a date is taken for a figure), the sentence written from
    its ten figures (``text``, whose numbers link to the file and line through ``rows``), the
    ratio actions per item notified with its denominator (``tail``, computed, so linked to
    nothing), the whole sentence (``sentence``) and the flag the row raises (mart claim_dsa_evidence)."""
    f = {k: _dsa_figure(r, k) for k in DSA_FIGURES}
    # 'X (formerly Twitter)' -> 'X': the possessive reads aloud
    who = re.sub(r"\s*\(.*\)$", "", r.get("platform_name") or ctx.platforms[r["platform_id"]]["name"])
    period = _half_year(r["period_start"], r["period_end"])
    report = _report_name(who, period, r.get("published"))
    lead = f"{report} (EU), gives "
    tf_above = r.get("notices") is not None and r.get("notices_tf") is not None and r["notices_tf"] > r["notices"]
    what = "notices received in all categories" if r["row_kind"] == "total" else f"notices alleging {_dsa_row_name(r)}"
    if tf_above:  # stated as published, not explained
        text = f"{f['notices']} {what} in total but {f['notices_tf']} from trusted flaggers, more than the total"
    else:
        text = f"{f['notices']} {what} in total and {f['notices_tf']} from trusted flaggers"
    text += f", naming {f['items']} items of information ({f['items_tf']} in trusted flaggers' notices)"
    actions = [r.get(k) for k in ("law", "terms", "law_tf", "terms_tf")]
    if all(a is None for a in actions):
        na = any((r.get(f"{k}_published") or "").strip() == "N/A" for k in ("law", "terms", "law_tf", "terms_tf"))
        text += ("; it gives no count of actions taken on the basis of the law or of its terms and conditions "
                 f"(the cells {'read N/A' if na else 'are empty'})")
    else:
        text += (f"; {f['law']} actions on the basis of the law and {f['terms']} on the basis of its terms and "
                 f"conditions ({f['law_tf']} and {f['terms_tf']} on trusted flaggers' notices)")
    notes = {}  # column -> the provider's own words that the median leaves out notices with no action
    if not (r.get("median") is None and r.get("median_tf") is None):
        unit = " hours" if r.get("time_unit") == "hours" else ""
        said = "" if unit else "; the report does not state the unit"
        text += (f"; median time to take action {f['median']}{unit} ({f['median_tf']} on trusted flaggers' "
                 f"notices{said})")
        for key in ("median", "median_tf"):
            words = no_action_note(r.get(f"{key}_note")) or no_action_note(r.get(f"{key}_column_note"))
            if words:
                notes[key] = words
        if notes:
            on = ("notes on both columns say" if len(notes) == 2 else
                  "note on the column says" if "median" in notes else "note on the trusted flaggers' column says")
            text += f", and the report's own {on} that notices on which no action was taken are left out of the median"
    if r.get("per_item") is not None:
        tail = (f"; actions per item notified: {r['per_item']:.2f} (actions on the basis of the law and of the terms "
                f"and conditions, divided by the {f['items']} items notified)")
    elif r.get("items") == 0:
        tail = "; actions per item notified: none can be computed, as the report gives 0 items notified in total"
    elif r.get("items") is None:
        tail = "; actions per item notified: none can be computed, as the report gives no count of items"
    else:
        tail = "; actions per item notified: none can be computed, as the report gives no count of actions"
    base = {"doc_url": r.get("number_url") or "", "locator": r["row_locator"], "release_id": r["release_id"],
            "period": period, "doc_label": r.get("doc_label") or ""}  # the archive's label in each link's title
    rows = [{**base, "value": r[k], "value_as_published": r.get(f"{k}_published")}
            for k in DSA_FIGURES if r.get(k) is not None]
    return {"lead": lead, "text": text, "tail": tail, "sentence": lead + text + tail, "rows": rows,
            "flag": r.get("flag"), "flag_text": r.get("flag_text"),
            "period": period, "period_start": r["period_start"],
            "row_name": "all categories" if r["row_kind"] == "total" else _dsa_row_name(r),
            "tf_above_total": tf_above, "who": who,
            "source": _report_source(r, report),
            "median_notes": [(r.get(f"{key}_header") or COLUMN_NAMES[key], words) for key, words in notes.items()],
            "actions_given": any(a is not None for a in actions),
            "doc_label": r.get("doc_label") or "", "kind": "platform_report"}


def dsa_flags(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The flags the platform's own report raises on a statement, each with the rows and
    half-years it comes from ('hate speech, July to December 2025 and January to June 2026')."""
    out: dict[str, dict[str, list[str]]] = {}
    for i in sorted(items, key=lambda x: x["period_start"]):  # oldest half-year first
        if i["flag"]:
            text = i["flag_text"].replace("the platform's", f"{i['who']}'s", 1)
            out.setdefault(text[:1].upper() + text[1:], {}).setdefault(i["row_name"], []).append(i["period"])
    return [{"text": text, "where": "; ".join(f"{name}, {' and '.join(sorted(set(ps), key=ps.index))}"
                                              for name, ps in rows.items())}
            for text, rows in out.items()]


def dsa_source(items: list[dict[str, Any]]) -> str:
    """The line right after the list: each report the rows come from, by name, date of
    publication and the copy read, in the order of the list."""
    reports = list(dict.fromkeys(i["source"] for i in items))
    if not reports:
        return ""
    return f"Source: {'; '.join(reports)}. Each number links to the line of the file it was read from."



def dsa_notes(items: list[dict[str, Any]]) -> list[str]:
    """What a reader must know once per statement: the units; that an action is not
    necessarily a removal; what each provider's own note says its median leaves out (quoted);
    and where trusted flaggers' notices exceed all notices."""
    if not items:
        return []
    notes = [DSA_UNITS]
    if any(i["actions_given"] for i in items):
        notes.append("The template does not define the kind of action taken (the providers' own notes on the columns "
                     "say what they count): an action on the basis of the law or of the terms and conditions is not "
                     "necessarily a removal.")
    said: dict[str, dict[str, list[str]]] = {}  # platform -> the provider's words -> the columns they are on
    for i in items:
        for column, words in i["median_notes"]:
            cols = said.setdefault(i["who"], {}).setdefault(words, [])
            if column not in cols:
                cols.append(column)
    for who, quotes in said.items():
        for words, cols in quotes.items():
            named_cols = " and ".join(f"\u2018{c}\u2019" for c in cols)
            notes.append(f"{who}'s report, in its own note on the column{'s' if len(cols) > 1 else ''} {named_cols}: "
                         f"\u201c{words}\u201d")
    above = sorted({i["who"] for i in items if i["tf_above_total"]})
    if above:
        notes.append(f"{' and '.join(above)} give{'s' if len(above) == 1 else ''} more notices from trusted flaggers "
                     "than notices received in total, although trusted flaggers' notices are part of all notices. "
                     "The figures are shown as published, not corrected.")
    return notes


def verdicts_for(ctx: Ctx, platform_ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """(claim id, platform id) -> the statement's verdict (mart claim_verdicts): ``verdict``,
    ``name``, how many tests test it and, when one does, the deciding ``result`` and every
    result in ``tests`` (largest share left up first)."""
    tests: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.query("claim_verdict_tests_for", platforms=platform_ids):
        tests[(r["claim_id"], r["platform_id"])].append(test_result(ctx, r))
    out = {}
    for v in ctx.query("claim_verdicts_for", platforms=platform_ids):
        key = (v["claim_id"], v["platform_id"])
        out[key] = {"verdict": v["verdict"], "name": v["verdict_name"], "short": v["verdict_short"], "rank": v["verdict_rank"],
                    "n_tests": v["n_tests"], "tests": tests.get(key, []),
                    "result": tests[key][0] if tests.get(key) else None}
    return out


def claim_blocks(ctx: Ctx, platform_ids: list[str]) -> list[dict[str, Any]]:
    """One block per (statement, platform): the statement, its verdict and its evidence."""
    claims = ctx.query("claims_for", platforms=platform_ids)
    evidence: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for e in ctx.query("claim_evidence_for", platforms=platform_ids):
        evidence[(e["claim_id"], e["platform_id"])].append(e)
    verdicts = verdicts_for(ctx, platform_ids)
    dsa: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.query("claim_dsa_evidence_for", platforms=platform_ids):
        dsa[(r["claim_id"], r["platform_id"])].append(dsa_item(ctx, r))
    blocks = []
    shown: set[tuple] = set()  # findings already quoted in full under an earlier statement of the list
    for c in claims:
        ev = evidence[(c["claim_id"], c["platform_id"])]
        items = [_finding_item(e) if e["evidence_type"] == "finding" else _figure_item(ctx, e) for e in ev]
        for i, item in enumerate(items):
            if item["type"] == "finding":
                key = (c["platform_id"], item["said_by"], item["text"])
                if key in shown:  # each piece of evidence appears once per page: later, a pointer
                    items[i] = {**item, "repeat": True}
                shown.add(key)
        own_dsa = dsa[(c["claim_id"], c["platform_id"])]
        blocks.append({
            **statement_fields(ctx, c),
            # the platform's own report can flag the statement; the verdict stays the independent tests'
            "verdict": {**verdicts[(c["claim_id"], c["platform_id"])], "flags": dsa_flags(own_dsa)},
            "dsa": own_dsa, "dsa_source": dsa_source(own_dsa), "dsa_notes": dsa_notes(own_dsa),
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
