"""What every page builder shares: the warehouse connection with named queries, the
catalog lookups, and helpers that turn series rows into figure rows and source lines."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from site_builder import docref, fmt, settings
from site_builder.errors import BuildError
from site_builder.figures import Figure, SourceItem, SourceRef
from site_builder.findings import Break, Writer, task_of

Row = dict[str, Any]
SERIES_FILTERS = ("source_id", "platforms", "policy_areas", "policy_keys", "metrics", "geography")


def first_url(text: str | None, year: int | None = None) -> str:
    """The address of a source field that may be shown as a link, or '' (never a javascript:
    or other scheme, a homepage, a truncated or inferred address, nor one of several addresses
    picked at random). Given the ``year`` of a number, a field naming one document per year
    gives the one whose address names that year, if exactly one does. Numbers and statements
    carry their chosen document in their ``doc_*`` fields (see docref.py); this is for catalog
    and release addresses, and the template filter ``url``."""
    if year is None:
        return docref.link_address(text)
    return docref.resolve(text, start=date(year, 1, 1), end=date(year, 12, 31)).url


@dataclass
class Page:
    """One generated Markdown page: where it goes, its template and what it shows."""

    path: str
    title: str
    template: str
    nav: str
    context: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.path.removesuffix(".md").replace("/", "-")

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root (pages are .html files)."""
        return "../" * self.path.count("/")


class Ctx:
    """Read-only access to the built warehouse for page builders."""

    def __init__(self, con: duckdb.DuckDBPyConnection, sql_dir: Path = settings.SQL_DIR) -> None:
        self.con = con
        self.sql_dir = sql_dir
        # every lookup in a total order, so that iterating one never depends on how DuckDB read the table
        self.sources = {r["source_id"]: r for r in self.rows("SELECT * FROM sources ORDER BY ALL")}
        self.releases = {r["release_id"]: r for r in self.rows("SELECT * FROM releases ORDER BY ALL")}
        self.platforms = {r["platform_id"]: r for r in self.rows("SELECT * FROM platforms ORDER BY ALL")}
        self.policy_areas = {r["policy_area"]: r for r in self.rows("SELECT * FROM policy_areas ORDER BY rank, policy_area")}
        self.metrics = {r["metric_id"]: r for r in self.rows("SELECT * FROM metrics ORDER BY ALL")}
        self.definitions = {(r["metric_id"], r["source_id"]): r
                            for r in self.rows("SELECT * FROM tax_metric_definitions ORDER BY ALL")}
        self.writer = Writer(breaks=[_break(r) for r in self.rows("SELECT * FROM tax_breaks ORDER BY break_id")],
                             geo_names={r["geo_code"]: r["name"]
                                        for r in self.rows("SELECT * FROM tax_geo_names ORDER BY geo_code")})
        # published codes (DSA enumeration keys) -> the names readers see
        self.label_names = {r["label"]: r["name"] for r in self.rows("SELECT label, name FROM tax_label_names ORDER BY label")}
        # curators' notes as readers see them: instructions to curators dropped, tags named
        self.note_rules = [_note_rule(r) for r in self.rows("SELECT * FROM tax_note_rewrites ORDER BY ALL")]
        # the selections (``points`` filters) read since the last figure took them, for messages
        self._pending: list[str] = []
        self._last_selection = ""

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
        cur = self.con.execute(sql, params or {})
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, rec)) for rec in cur.fetchall()]

    def query(self, name: str, **params: Any) -> list[Row]:
        """Run ``sql/queries/<name>.sql`` with bound parameters."""
        sql = (self.sql_dir / "queries" / f"{name}.sql").read_text(encoding="utf-8")
        return self.rows(sql, params)

    def points(self, **filters: Any) -> list[Row]:
        """Current series values (see sql/queries/series_points.sql), enriched for display."""
        unknown = set(filters) - set(SERIES_FILTERS)
        if unknown:
            raise TypeError(f"unknown filter(s): {sorted(unknown)}")
        params = {k: filters.get(k) for k in SERIES_FILTERS}
        self._pending.append("series points where " + (", ".join(
            f"{k} = {'/'.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
            for k, v in params.items() if v is not None) or "any"))
        rows = self.query("series_points", **params)
        # a window a curator marks approximate on one row of a study is approximate for every
        # row of the same study and window
        rough = {_window(r) for r in rows if fmt.APPROXIMATE.search(r.get("note") or "")}
        return [enrich(r, self.label_names, approximate=_window(r) in rough) for r in rows]

    def selection(self) -> str:
        """The ``points`` selections read since the previous call (else the previous answer):
        what a figure built now was drawn from, named when it turns out to have no rows."""
        if self._pending:
            self._last_selection, self._pending = "; ".join(self._pending), []
        return self._last_selection

    def platform_name(self, platform_id: str | None, fallback: str = "") -> str:
        p = self.platforms.get(platform_id or "")
        return p["name"] if p else fallback


def short_name(name: str) -> str:
    """A platform's name as a sentence uses it: 'X (formerly Twitter)' -> 'X'."""
    return name.split(" (")[0]


def _break(r: Row) -> Break:
    def ids(text: str) -> tuple[str, ...]:
        return tuple(sorted(t for t in (text or "").split(";") if t))

    return Break(break_id=r["break_id"], date=date.fromisoformat(r["date"]),
                 until=date.fromisoformat(r["until"]) if r["until"] else None, sources=ids(r["sources"]),
                 platforms=ids(r["platforms"]), areas=ids(r["policy_areas"]), label=r["label"], caveat=r["caveat"],
                 short_caveat=r["short_caveat"])


def midpoint(start: date, end: date) -> date:
    return start + timedelta(days=(end - start).days // 2)


_CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b")


def _note_rule(r: Row) -> tuple[re.Pattern[str], str]:
    try:
        return re.compile(r["pattern"]), r["replacement"] or ""
    except re.error as exc:
        raise BuildError(f"data/taxonomy/note_rewrites.csv: pattern {r['pattern']!r} is not a regular expression "
                         f"({exc})") from exc


def reader_note(note: str | None, rules: list[tuple[re.Pattern[str], str]]) -> str:
    """A curator's note on a statement as readers see it (data/taxonomy/note_rewrites.csv)."""
    text = note or ""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text.strip()


def readable(text: str, names: dict[str, str]) -> str:
    """A source's text with the codes it quotes (enumeration keys, table names) given their names."""
    return _CODE.sub(lambda m: names.get(m.group(0), m.group(0)), text or "")


def _window(r: Row) -> tuple:
    """A study's window: its release, title and period."""
    return (r.get("release_id"), r.get("source_title"), r["period_start"], r["period_end"])


def enrich(r: Row, names: dict[str, str] | None = None, approximate: bool = False) -> Row:
    """Add display fields to a series row: period label, x position, formatted value, link.
    A policy or metric label published as a code (a DSA enumeration key) gets its name;
    the code stays in ``policy_label_as_published`` / ``metric_label_as_published``."""
    r = dict(r)
    for k in ("policy_label", "metric_label"):
        named = (names or {}).get(r.get(k) or "") or readable(r.get(k) or "", names or {})
        if named != (r.get(k) or ""):
            r[f"{k}_as_published"] = r[k]
            r[k] = named
    # a window a curator notes as approximate ('study window approximate') is written to the
    # month; a period that is only the publication date says so
    note = r.get("note") or ""
    r["period"] = fmt.period(r["period_start"], r["period_end"], approximate or bool(fmt.APPROXIMATE.search(note)))
    if fmt.PUBLICATION_DATE.search(note):
        r["period"] += " (date of publication)"
    r["x"] = midpoint(r["period_start"], r["period_end"]).isoformat()
    r["value_text"] = fmt.figure(r)
    r["doc_url"] = r.get("doc_url") or ""
    for k in ("period_start", "period_end"):
        r[k] = r[k].isoformat()
    return r


def source_refs(ctx: Ctx, rows: Iterable[Row]) -> list[SourceRef]:
    """Per source used: its licence and each release used (for curated transcriptions, each
    document the rows name), in the order first met. A curated transcription taken from a
    compilation (its document title names it) also carries the compilation's attribution,
    which CC BY 4.0 asks for wherever its numbers appear."""
    groups: dict[str, dict[tuple[str, str], SourceItem]] = {}
    compiled: set[str] = set()
    for r in rows:
        rel = ctx.releases[r["release_id"]]
        if rel["kind"] == "curated":
            # the transcription's file is named on the Sources page ('release details'), not in reader text
            title = readable(r.get("doc_title") or rel["title"].split(": ")[0], ctx.label_names)
            item = doc_item(f"{title} (hand transcription)", r["release_id"],
                            url=r.get("doc_link"), tag=r.get("doc_label"), text=r.get("doc_text"))
            title = str(r.get("doc_title") or "").lower()
            compiled |= {sid for sid in COMPILATIONS if sid in title and sid in ctx.sources}
        else:
            item = doc_item(f"{rel['edition']} edition ({rel['file'].rsplit('.', 1)[-1].upper()})", r["release_id"],
                            url=rel.get("doc_url"), tag=rel.get("doc_label"), text=rel.get("doc_text"))
        groups.setdefault(rel["source_id"], {}).setdefault((item.label, item.url, item.tag), item)
    refs = [_source_ref(ctx, sid, tuple(items.values())) for sid, items in groups.items()]
    return refs + [_source_ref(ctx, sid, (whole_source_item(ctx, sid, "compiled in"),))
                   for sid in sorted(compiled - groups.keys())]


COMPILATIONS = ("diaphanous",)


def doc_item(label: str, release_id: str, *, url: str | None, tag: str | None, text: str | None) -> SourceItem:
    """A source-line item for a document reference (a row's or a release's ``doc_*`` fields):
    its link where one may be shown, with the label a secondary source or landing page needs
    next to it (``tag``); else why there is none ('address not recorded (…)')."""
    reason = (text or "").rsplit(" – ", 1)[1] if " – " in (text or "") else ""
    return SourceItem(label=fmt.dates_in_words(label), url=url or "", release_id=release_id, tag=(tag or "") if url else "",
                      unlinked="" if url else reason)


def _source_ref(ctx: Ctx, source_id: str, items: tuple[SourceItem, ...]) -> SourceRef:
    src = ctx.sources[source_id]
    return SourceRef(source=f"{src['publisher']}: {src['title']}", licence=src["licence"],
                     citation=src["citation"] or "", items=items)


def whole_source_item(ctx: Ctx, source_id: str, how: str = "all releases of") -> SourceItem:
    """A source as a whole (its section on the Sources page), for attribution without a release."""
    src = ctx.sources[source_id]
    ref = docref.resolve(src["url"])
    return SourceItem(label=f"{how} {src['short']}", url=ref.url, release_id=source_id, tag=ref.label)


def source_attribution(ctx: Ctx, source_ids: Iterable[str]) -> list[SourceRef]:
    """Source lines for a table about sources rather than of their numbers (coverage): each
    source with its licence and citation, linked to its section on the Sources page."""
    return [_source_ref(ctx, s, (whole_source_item(ctx, s),)) for s in sorted(set(source_ids))]


def comparability_note(ctx: Ctx, rows: Iterable[Row]) -> str:
    """A visible note when rows put side by side come from definitions that differ: for each
    harmonised metric whose sources fall in more than one comparable group, what each counts."""
    by_metric: dict[str, dict[str, str]] = {}
    for r in rows:
        mid, sid = r.get("metric_id"), r.get("source_id")
        d = ctx.definitions.get((mid, sid)) if mid and sid else None
        if d:
            by_metric.setdefault(mid, {})[sid] = d["comparable_group"]
    parts = []
    for mid, groups in by_metric.items():
        if len(set(groups.values())) > 1:
            defs = "; ".join(f"{ctx.sources[sid]['short']}: {ctx.definitions[(mid, sid)]['definition'].rstrip('.')}"
                             for sid in sorted(groups))
            parts.append(f"Definitions differ for '{ctx.metrics[mid]['name']}' ({defs})")
    return ". ".join(parts) + ("." if parts else "")


def name_policies(rows: list[Row]) -> None:
    """Give every row of a policy key the key's latest published name, noting earlier names."""
    names: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["period_end"]):
        names[(r["source_id"], r["policy_key"])].append((r["period_end"], r["policy_label"]))
    for r in rows:
        seen = list(dict.fromkeys(label for _, label in names[(r["source_id"], r["policy_key"])]))
        latest_name = seen[-1]
        earlier = [n for n in seen if n != latest_name]
        r["policy_display"] = latest_name + (f" (earlier: {', '.join(earlier)})" if earlier else "")


def worldwide(rows: Iterable[Row]) -> list[Row]:
    """Only the widest geography each source publishes for each metric: worldwide rows if it
    publishes any, else EU rows, else all of them. Country breakdowns (TikTok's per-market
    figures, for one) stay in the downloads rather than in charts and tables on a page."""
    rows = list(rows)
    geos: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        geos[(r["source_id"], r["metric_id"])].add(r["geography"])
    keep = {k: "global" if "global" in g else "EU" if "EU" in g else None for k, g in geos.items()}
    return [r for r in rows if keep[(r["source_id"], r["metric_id"])] in (None, r["geography"])]


def platforms_with_data(rows: Iterable[Row], platforms: dict[str, Row]) -> dict[str, Any]:
    """The harmonised platforms among ``rows`` (names, sorted; not aggregates of several, and
    not NCMEC, whose own totals are a source's, not a platform's) and how many other providers
    appear only under the names a list publishes (NCMEC's, the DSA database's)."""
    rows = list(rows)
    names = sorted({r["platform_name"] for r in rows if r["platform_id"] is not None
                    and platforms[r["platform_id"]]["kind"] not in ("aggregate", "clearinghouse")})
    others = {r["platform_label"] for r in rows if r["platform_id"] is None}
    return {"names": names, "others": len(others)}


def latest(rows: Sequence[Row], **match: Any) -> Row | None:
    """The row with the latest period among rows matching all ``match`` fields."""
    sel = [r for r in rows if all(r.get(k) == v for k, v in match.items()) and r["value"] is not None]
    return max(sel, key=lambda r: (r["period_end"], r["period_start"])) if sel else None


def series_name(r: Row, *, with_platform: bool = True, with_policy: bool = True) -> str:
    parts = []
    if with_platform:
        parts.append(r["platform_name"])
    if with_policy:
        parts.append(f"'{r['policy_label']}'")
    return " ".join(parts)


def series_label(r: Row, name: str) -> str:
    """A series name with every qualifier that changes what its numbers mean: bound
    ('upper bound'), moderation task ('human moderation') and place ('US')."""
    q = {"upper_bound": "upper bound", "lower_bound": "lower bound", "approx": "approx."}.get(r.get("qualifier") or "", "")
    task = task_of(r.get("metric_label"))
    geo = "" if r.get("geography") in (None, "global") else str(r["geography"])
    extra = ", ".join(x for x in (q, task, geo) if x)
    return f"{name} ({extra})" if extra else name


OWN_PAGE_MIN_FIGURES = 3  # fewer published figures: a section on the shared page, not a page of its own
SHARED_PAGE = "platforms/other-providers"


def platform_href(ctx: Ctx, platform_id: str | None, root: str = "", *, md: bool = False) -> str:
    """Where a platform or company is in the site, as a link from a page ``root`` away from the
    site root: its own page (``platforms/<id>.html``) when it has OWN_PAGE_MIN_FIGURES
    published figures or more, else its section on the shared page
    (``platforms/other-providers.html#<id>``); '' when it has no place (an aggregate of several
    platforms, NCMEC, which is a source, an unknown id). ``md`` gives the Markdown target
    (``.md``), which MkDocs checks. Every link to a platform goes through here."""
    places: dict[str, int] | None = ctx.__dict__.get("_platform_places")
    if places is None:
        places = {r["platform_id"]: r["figures"] for r in ctx.query("platform_places")}
        ctx.__dict__["_platform_places"] = places
    n = places.get(platform_id or "")
    if n is None:
        return ""
    slug = str(platform_id).replace("_", "-")
    ext = ".md" if md else ".html"
    return f"{root}platforms/{slug}{ext}" if n >= OWN_PAGE_MIN_FIGURES else f"{root}{SHARED_PAGE}{ext}#{slug}"
