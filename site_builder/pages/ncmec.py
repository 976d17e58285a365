"""NCMEC's yearly count of CyberTipline reports per platform, shared by the topic page and
the platform pages."""

from __future__ import annotations

from site_builder import fmt
from site_builder.figures import Column
from site_builder.pages.common import Ctx, Row

NCMEC_COLUMNS = [Column("series", "Platform"), Column("period", "Year"), Column("value_text", "Reports", "value"),
                 Column("value_as_published", "As published (NCMEC line: count)"),
                 Column("locator", "Where it was read")]


def ncmec_rows(ctx: Ctx, platforms: list[str]) -> list[Row]:
    """One row per platform and year (mart ncmec_platform_year), ready for a line figure."""
    rows = ctx.query("ncmec_platform_year", platforms=platforms)
    for r in rows:
        r["period"] = str(r["period_start"].year)
        r["x"] = f"{r['period_start'].year}-07-01"
        r["value_text"] = fmt.count(r["value"])
        r["value_as_published"] = r["lines"]
        r["unit"] = "reports"
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
    return rows
