"""The Atom feed of the What changed page (``feed.xml`` at the site root), written with
feedgen: one entry per night that changed something, newest first.

Reproducible: every date in the feed comes from the data, never from the clock. feedgen
stamps a new feed and each new entry with the time it was created (``updated``; RSS's
``lastBuildDate`` is not written in Atom); the feed's ``updated`` is set to its newest night
(with no night, to the date up to which data was collected) and each entry's ``updated`` and
``published`` to its night. Ids are tag URIs that do not depend on where the site is hosted,
so moving the site never makes a feed reader show old nights as new."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator

from site_builder import fmt
from site_builder.pages.common import Page

FEED_FILE = "feed.xml"
TAG = "tag:platform-enforcement-watch,2026"
SUMMARY_CHANGES = 12  # change sentences per entry; the rest are on the page
SUMMARY_REVISED = 3  # revised figures per revised edition in an entry
EPOCH = date(1970, 1, 1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _address(site_url: str, path: str) -> str:
    """Absolute when mkdocs.yml sets site_url; else relative to the feed, which is at the site root."""
    return site_url.rstrip("/") + "/" + path if site_url else path


def entry_title(night: dict[str, Any]) -> str:
    if night.get("first_read"):
        return f"{night['date_text']}: what this site held when the nightly watch began ({len(night['sources'])} sources)"
    who = ", ".join(night["sources"]) if len(night["sources"]) <= 4 else f"{len(night['sources'])} sources"
    return f"{night['date_text']}, {who}: {night['summary']}"


def revised_sentence(c: dict[str, Any]) -> str:
    """The first revised figures of one revised_figures change, earlier and new value with
    their editions (child safety first, as on the page)."""
    rows = c["revised"][:SUMMARY_REVISED]
    parts = [f"{r['figure']}, {r['period']}: {r['prev_value_as_published']} in the {r['prev_edition']} edition, "
             f"{r['value_as_published']} in the {r['edition']} edition" for r in rows]
    listed = len(c["revised"])  # on the What changed page; every one is on the Revisions page
    more = listed - len(rows)
    rest = c["revised_total"] - listed
    tail = (f"; {more:,} more on the What changed page" if more else "") + \
           (f" and {rest:,} more on the Revisions page" if rest else "")
    return f"Revised in {c['source_short']}, {c['edition']}: " + "; ".join(parts) + tail + "."


def entry_summary(night: dict[str, Any]) -> str:
    changes = night["changes"]
    text = " ".join(c["sentence"] for c in changes[:SUMMARY_CHANGES])
    if len(changes) > SUMMARY_CHANGES:
        text += f" And {fmt.plural(len(changes) - SUMMARY_CHANGES, 'more change')} on the What changed page."
    revised = [revised_sentence(c) for c in night["revised"][:SUMMARY_CHANGES] if c["revised"]]
    return " ".join([text, *revised])


def render(nights: list[dict[str, Any]], site_name: str, site_url: str, fallback_day: str) -> bytes:
    """The feed's bytes: ``nights`` as the What changed page holds them (newest first)."""
    fg = FeedGenerator()
    fg.id(f"{TAG}:changes")
    fg.title(f"{site_name}: what changed")
    fg.subtitle("What changed in this site's sources, night by night: new and re-issued releases, revised "
                "figures, withdrawn files, sources that could not be fetched.")
    fg.link(href=_address(site_url, "changes.html"), rel="alternate", type="text/html")
    fg.link(href=_address(site_url, FEED_FILE), rel="self", type="application/atom+xml")
    fg.language("en")
    fg.author({"name": site_name})
    fg.generator(site_name)
    newest = nights[0]["night"] if nights else (date.fromisoformat(fallback_day) if fallback_day else EPOCH)
    fg.updated(_at(newest))
    for night in nights:  # newest first, as the page lists them
        fe = fg.add_entry(order="append")
        fe.id(f"{TAG}:changes:{night['iso']}")
        fe.title(entry_title(night))
        fe.link(href=_address(site_url, f"changes.html#{night['id']}"), rel="alternate", type="text/html")
        fe.summary(entry_summary(night))
        fe.published(_at(night["night"]))
        fe.updated(_at(night["night"]))
    return fg.atom_str(pretty=True, encoding="UTF-8")


def write(pages: list[Page], docs_dir: Path, site: dict[str, Any], site_name: str) -> Path:
    """Write ``feed.xml`` into the docs directory (MkDocs copies it to the site root) from the
    What changed page's nights; an empty feed when there is no such page or no night."""
    nights = next((p.context["nights"] for p in pages if p.path == "changes.md"), [])
    path = docs_dir / FEED_FILE
    path.write_bytes(render(nights, site_name, site.get("site_url") or "", site.get("data_date") or ""))
    return path
