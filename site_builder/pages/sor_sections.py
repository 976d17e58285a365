"""The section "Statements of reasons in the EU DSA Transparency Database" of a platform page and
of a topic page (templates/partials/_sor.html.j2): the figures of sor.py, what the site cannot
say without monthly counts, the reconciliation with the platform's own DSA reports
(sor_recon.py) and the dated changes of the database and its platforms' filing that concern them."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from site_builder import fmt
from site_builder.pages import sor, sor_recon
from site_builder.pages.common import Ctx, Row, short_name

PLATFORM_SUBJECTS = ["all", "protection_of_minors", "csam", "csam_deepfake", "grooming"]
PLATFORM_HOW = ["all", "protection_of_minors", "csam"]
PLATFORM_RECON = ["all", "protection_of_minors", "csam"]
# per topic page (its slug): the subjects its reconciliation compares, in order
TOPIC_RECON = {"child-sexual-exploitation": ["csam", "grooming"], "hate-speech": ["hate_speech"],
               "terrorism-violent-extremism": ["terrorist_content"],
               "bullying-harassment": ["cyber_bullying", "cyber_harassment"]}
# per topic page: the subjects its monthly chart prefers, in order
TOPIC_LEAD = {"child-sexual-exploitation": ["csam", "grooming", "csam_deepfake", "protection_of_minors"],
              "hate-speech": ["hate_speech", "illegal_or_harmful_speech"],
              "terrorism-violent-extremism": ["terrorist_content", "public_security"],
              "bullying-harassment": ["cyber_bullying", "cyber_harassment", "cyber_violence"]}
INTRO = ("Under Article 17 of the Digital Services Act a platform gives users in the EU a statement of reasons for each "
         "decision that restricts their content or account; under Article 24(5) online platforms (other than micro and "
         "small enterprises; before 17 February 2024 only the very large ones) file it with the European Commission's DSA "
         "Transparency Database, which publishes every statement in daily files.")


def _above(anchor: str) -> Markup:
    """' (above)', linked to the section of the page that shows the reports ('' when none does)."""
    return Markup(' (<a href="#{}">above</a>)').format(anchor) if anchor else Markup("")


def _spans(rows: list[Row]) -> dict[str, str]:
    by: dict[str, list[Row]] = {}
    for r in rows:
        if r.get("platform_id"):
            by.setdefault(r["platform_id"], []).append(r)
    return {pid: sor.span_text(sel) for pid, sel in by.items()}


def _holdings(rows: list[Row], name: str) -> str:
    """'This site holds 4 counts of X's statements of reasons, transcribed from documents that counted
    them (… to …), and 18 monthly counts it derived from the daily dumps (… to …).'"""
    cur = [r for r in rows if r["source_id"] != sor.DERIVED]
    der = [r for r in rows if r["source_id"] == sor.DERIVED]
    parts = []
    if cur:
        parts.append(f"{fmt.plural(len(cur), 'count')} of {name}'s statements of reasons, transcribed from documents "
                     f"that counted them ({sor.span_text(cur)})")
    if der:
        months = sorted({r["period_start"] for r in der})
        parts.append(("" if cur else f"{name}'s statements of reasons, ")
                     + f"monthly counts for {fmt.plural(len(months), 'month')} that it derived from the daily dumps "
                     f"({fmt.span_text(fmt.date_text(months[0], 'month'), fmt.date_text(months[-1], 'month'))})")
    return f"This site holds {' and '.join(parts)}." if parts else ""


def platform_section(ctx: Ctx, pid: str, name: str, root: str, has_reports: bool) -> dict[str, Any] | None:
    """What a platform page shows of the DSA Transparency Database (None when the site holds
    neither a count of the platform's statements of reasons nor a harmonised report of it)."""
    rows = [r for r in sor.points(ctx, pid, None) if r["subject"] in PLATFORM_SUBJECTS]
    if not rows and not has_reports:
        return None
    who = short_name(name)
    slug = pid.replace("_", "-")
    halves = sor.half_rows(ctx, [r for r in rows if r["subject"] in PLATFORM_HOW])
    figures = [f for f in (sor.held_figure(ctx, f"{slug}-sor-held", rows, who),
                           sor.monthly_figure(ctx, f"{slug}-sor-monthly", rows, who, sor.CHART_SUBJECTS),
                           sor.how_figure(ctx, f"{slug}-sor-how", halves, who),
                           sor.delay_figure(ctx, f"{slug}-sor-delay", halves, who)) if f is not None]
    return {
        "name": who, "intro": INTRO, "holdings": _holdings(rows, who) or f"This site holds no count of {who}'s "
                                                                          "statements of reasons.",
        "figures": figures, "not_held": [] if halves else [sor.not_held(who)],
        "reconciliation": sor_recon.sentences(ctx, pid, PLATFORM_RECON, root, _spans(rows)) if has_reports else [],
        "recon_caveat": sor_recon.CAVEAT, "has_reports": has_reports, "anchor": "dsa-sor", "reports_html": _above("dsa-notices"),
        "annotations": sor.annotations(ctx, [pid]), "changes_html": Markup(""),
        "recon_heading": f"Statements of reasons against {who}'s own DSA reports",
    }


def topic_section(ctx: Ctx, slug: str, areas: list[str], root: str, lead: list[str],
                  reports_link: str = "") -> dict[str, Any] | None:
    """What a topic page shows of the database: every platform's counts of the subjects of
    ``areas`` (None when there are none); ``lead`` orders the subjects the monthly chart prefers."""
    rows = sor.points(ctx, None, areas)
    if not rows:
        return None
    platforms = [r for r in rows if r.get("platform_id") and r["platform_kind"] not in ("aggregate", "")]
    halves = sor.half_rows(ctx, platforms)
    figures = [f for f in (sor.held_figure(ctx, f"{slug}-sor-held", rows, None),
                           sor.monthly_figure(ctx, f"{slug}-sor-monthly", rows, None, lead),
                           sor.how_figure(ctx, f"{slug}-sor-how", halves, None),
                           sor.delay_figure(ctx, f"{slug}-sor-delay", halves, None)) if f is not None]
    pooled = any(r["platform_kind"] == "aggregate" and r["measure"] not in ("sors", "share_of_all_platforms") for r in rows)
    not_held = [] if halves else [
        "This site holds no monthly count of any platform's statements of reasons on this topic from the database's "
        "daily dumps, so it cannot say here, platform by platform, how many were automated, followed a notice or were "
        "the platform's own initiative, or how long decisions came after the content's date."]
    if pooled:
        not_held.append("The transcribed counts give automation only for all platforms together; this site does not "
                        "turn them into a share, because a total across platforms follows the platforms that file the "
                        "most statements, not any one platform's practice.")
    return {
        "name": None, "intro": INTRO, "holdings": "", "figures": figures, "not_held": not_held,
        "reconciliation": sor_recon.sentences(ctx, None, TOPIC_RECON.get(slug, []), root, _spans(rows)),
        "recon_caveat": sor_recon.CAVEAT, "has_reports": True, "anchor": "dsa-sor", "reports_html": _above(reports_link),
        # the page lists every dated change once, under "Changes that affect these series"
        "annotations": [], "changes_html": Markup(
            'The dated changes of the database and of how platforms file in it are listed under '
            '<a href="#changes-that-affect-these-series">Changes that affect these series</a>.')
        if sor.annotations(ctx, None, areas) else Markup(""),
        "recon_heading": "Statements of reasons against the platforms' own DSA reports",
    }
