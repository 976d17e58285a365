"""What changed page: the nights of data/changes.csv, newest first. Per night: what changed
in a sentence per kind, each change (source, release, kind in words, counts, the document),
the revised figures of each release that revised figures (mart revisions, joined on the
release id: earlier and new value, editions, links) with how many concern child safety, and
that night's dated bundle when data/archive holds one. The same nights feed the Atom feed
(site_builder/feed.py), from ``context["nights"]``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from site_builder import docref, fmt
from site_builder.errors import BuildError
from site_builder.pages.common import Ctx, Page, Row
from site_builder.pages.downloads import human_size
from site_builder.pages.revisions import CHILD_SAFETY
from site_builder.watch import HISTORY_DETAILS, RETRIEVED

PATH = "changes.md"
TEMPLATE = "pages/changes.md.j2"
FOLD_AFTER = 8  # a night with more changes lists them folded, under its summary
REVISED_SHOWN = 200  # revised figures listed per release; the rest are on the Revisions page


def night_id(night: date) -> str:
    return f"night-{night.isoformat()}"


def _child(r: Row) -> str:
    """', 5 of them about child safety' (', about child safety' for the only one; '' for none)."""
    if not r["child_safety"]:
        return ""
    return ", about child safety" if r["n_items"] == 1 else f", {r['child_safety']:,} of them about child safety"


def _edition(r: Row) -> str:
    if r["release_known"]:
        return f"its {r['edition']} edition"
    return "a release not in this site's catalog" if r["release_id"] else "no particular release"


def sentence(r: Row) -> str:
    """The change in words, from its kind's sentence in data/taxonomy/change_kinds.csv."""
    child = _child(r)
    try:
        return r["kind_sentence"].format(source=r["source_short"], edition=_edition(r), child=child,
                                         items=fmt.plural(r["n_items"], r["kind_unit"], r["kind_units"])) + "."
    except (KeyError, IndexError, ValueError) as exc:
        raise BuildError(f"data/taxonomy/change_kinds.csv: the sentence of kind {r['kind']!r} cannot be written "
                         f"({exc!r}); expected only the fields {{source}}, {{edition}}, {{items}} and {{child}}") from exc


def revised_rows(ctx: Ctx) -> dict[str, list[Row]]:
    """The revised figures of each release named by a revised_figures change, by release id."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in ctx.query("change_revisions", child_areas=CHILD_SAFETY):
        r["figure"] = f"{r['platform_name']}: {r['policy_label']}: {r['metric_label']}"
        r["period"] = fmt.period(r["period_start"], r["period_end"])
        r["change_text"] = fmt.change(r) if fmt.change(r) != "n/a" else r["change_kind"]
        out[r["release_id"]].append(r)
    return out


def reissued(r: Row) -> bool:
    """A new release read from new bytes at an address already read (its edition says when it
    was retrieved): the publisher re-issued a file, it did not publish a new edition."""
    return r["kind"] == "new_release" and bool(r["release_known"]) and RETRIEVED in str(r["edition"] or "")


def reissue_sentence(r: Row) -> str:
    base, _, when = str(r["edition"]).partition(RETRIEVED)
    child = _child(r)
    return (f"{r['source_short']} re-issued its {base} file at the same address (found {fmt.date_text(r['night'])}): "
            f"{fmt.plural(r['n_items'], 'figure')} read from the new copy{child}. The figures that differ from the "
            "earlier copy are listed as revised figures; the earlier copy's figures stay in this site.")


def first_read_sentence(r: Row) -> str:
    child = _child(r)
    if r["kind"] == "new_release":
        return f"{r['source_short']}, {_edition(r).removeprefix('its ')}: {fmt.plural(r['n_items'], 'figure')} read{child}."
    return sentence(r)


def change_item(ctx: Ctx, r: Row, revised: dict[str, list[Row]], listed: set[str], first_read: bool = False) -> Row:
    item = dict(r)
    item["sentence"] = first_read_sentence(r) if first_read else reissue_sentence(r) if reissued(r) else sentence(r)
    if reissued(r):
        item.update(kind="reissued_file", kind_name="Re-issued file", kind_one="re-issued file",
                    kind_many="re-issued files")
    item["source_anchor"] = r["source_id"] if r["source_id"] in listed else ""
    item["items_text"] = fmt.plural(r["n_items"], r["kind_unit"], r["kind_units"])
    item.update(revised=[], revised_total=0, revised_child=0, revised_id="")
    # the document's address as every other link of the site: never a homepage, a landing page with its label
    ref = docref.resolve(r["link"]) if r["link"] else None
    item["link_url"], item["link_label"] = (ref.url, ref.label) if ref and ref.url else ("", "")
    if r["kind"] == "revised_figures" and r["release_id"]:
        rows = revised.get(r["release_id"], [])
        item["revised"] = rows[:REVISED_SHOWN]
        item["revised_total"] = len(rows)
        item["revised_child"] = sum(1 for x in rows if x["child_safety"])
        item["revised_id"] = f"revised-{r['night'].isoformat()}-{r['release_id']}"
    return item


def kind_summary(changes: list[Row]) -> str:
    """'2 new releases, with 3,000 figures (400 about child safety); 1 edition with revised figures, ...'."""
    parts = []
    for kind in dict.fromkeys(c["kind"] for c in changes):
        sel = [c for c in changes if c["kind"] == kind]
        first = sel[0]
        text = fmt.plural(len(sel), first["kind_one"], first["kind_many"])
        items = sum(c["n_items"] for c in sel)
        child = sum(c["child_safety"] for c in sel)
        if first["kind_unit"] in ("figure", "statement"):
            text += f", with {fmt.plural(items, first['kind_unit'], first['kind_units'])}"
            text += f" ({child:,} about child safety)" if child else ""
        parts.append(text)
    return "; ".join(parts)


def archive_nights(ctx: Ctx) -> dict[date, list[Row]]:
    out: dict[date, list[Row]] = defaultdict(list)
    for r in ctx.query("archive_list"):
        out[r["night"]].append({**r, "size": human_size(r["bytes"]),
                                "href": f"downloads/archive/{r['night'].isoformat()}/{r['file']}"})
    return out


def nights(ctx: Ctx) -> list[dict[str, Any]]:
    """Every night of data/changes.csv, newest first, with its changes and its bundle."""
    listed = {r["source_id"] for r in ctx.releases.values()}
    revised = revised_rows(ctx)
    archive = archive_nights(ctx)
    by_night: dict[date, list[Row]] = {}
    for r in ctx.query("changes_list"):
        by_night.setdefault(r["night"], []).append(r)
    out = []
    for night, rows in by_night.items():
        first_read = all(str(r["detail"]).startswith(HISTORY_DETAILS) for r in rows)
        changes = [change_item(ctx, r, revised, listed, first_read) for r in rows]
        sources = sorted({c["source_short"] for c in changes}, key=str.casefold)
        out.append({
            "night": night, "iso": night.isoformat(), "id": night_id(night), "date_text": fmt.date_text(night),
            "first_read": first_read,
            "unreachable": sorted({c["source_short"] for c in changes if c["kind"] == "source_unreachable"}, key=str.casefold),
            "changes": changes, "summary": kind_summary(changes), "sources": sources,
            "child": sum(c["child_safety"] for c in changes),
            "revised": [c for c in changes if c.get("revised_id")],
            "archive": archive.get(night, []),
        })
    return out


def build(ctx: Ctx) -> list[Page]:
    all_nights = nights(ctx)
    archived_only = sorted((n for n in archive_nights(ctx).items() if n[0] not in {x["night"] for x in all_nights}),
                           reverse=True)
    return [Page(path=PATH, title="What changed", template=TEMPLATE, nav="Revisions",
                 context={"nights": all_nights, "fold_after": FOLD_AFTER,
                          "n_changes": sum(len(n["changes"]) for n in all_nights),
                          "archived_only": [{"night": d, "date_text": fmt.date_text(d), "files": files}
                                            for d, files in archived_only]})]
