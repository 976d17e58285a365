"""From the store of daily dumps to what the site shows: monthly observations with provenance.

One observation = the number of distinct statements of reasons one platform filed in one calendar
month (by ``created_at``) for one policy label (``data/taxonomy/dsa_sor_series.csv``) and one
measure (all, automated detection, fully/partially automated decision, following a notice, trusted
flagger, own initiative, content-to-decision delay buckets). Only months whose every daily dump was
read are derived; only platforms the taxonomy maps (``platform_labels/dsa_sor.csv``) are kept.
Each month is one release; ``data/catalog/dsa_sor_days.csv`` lists every dump behind it with its
sha1, so each number traces to the files it was counted from. Generated (test) dumps are refused.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from site_builder.catalog import Release
from site_builder.dsa_sor import store
from site_builder.dsa_sor.reader import sql
from site_builder.errors import InputError
from site_builder.observations import Observation

SOURCE_ID = "dsa_sor"
MEASURES: dict[str, str] = {
    "total": "statements of reasons",
    "automated_detection": "statements of reasons with automated detection",
    "fully_automated": "statements of reasons with a fully automated decision",
    "partially_automated": "statements of reasons with a partially automated decision",
    "notice": "statements of reasons following a notice",
    "trusted_flagger": "statements of reasons following a trusted flagger notice",
    "own_initiative": "statements of reasons on the platform's own initiative",
    "delay_0": "statements of reasons decided 0 days after the content date",
    "delay_1": "statements of reasons decided 1 day after the content date",
    "delay_2_7": "statements of reasons decided 2-7 days after the content date",
    "delay_8_30": "statements of reasons decided 8-30 days after the content date",
    "delay_31_90": "statements of reasons decided 31-90 days after the content date",
    "delay_91_365": "statements of reasons decided 91-365 days after the content date",
    "delay_366_1826": "statements of reasons decided 366-1826 days after the content date",
    "delay_1827": "statements of reasons decided 1827 or more days after the content date",
    "delay_negative": "statements of reasons decided before the content date (negative delay)",
    "delay_impossible": "statements of reasons with an impossible content or decision date",
}
DAYS_COLUMNS = ("release_id", "date", "file", "url", "sha1", "schema_version", "rows_read", "rows_rejected",
                "rows_unreadable", "rows_undated", "rows_deduplicated")


@dataclass(frozen=True)
class Derived:
    observations: list[Observation]
    releases: list[Release]
    days: list[dict[str, object]]
    partial_months: list[str]


def _series(data_dir: Path) -> tuple[list[str], list[str]]:
    path = data_dir / "taxonomy" / "dsa_sor_series.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, r in enumerate(rows, start=2):
        if r.get("kind") not in ("all", "category", "keyword") or not r.get("key"):
            raise InputError(path, "bad series row", line=i, got=r.get("kind"), expected="kind all, category or keyword, and a key")
    return [r["key"] for r in rows], [r["kind"] for r in rows]


def _platforms(data_dir: Path) -> list[str]:
    path = data_dir / "taxonomy" / "platform_labels" / f"{SOURCE_ID}.csv"
    if not path.is_file():
        raise InputError(path, "no platform map for the DSA database's platform names",
                         expected="label,platform_id rows naming the platforms the site shows")
    with path.open(encoding="utf-8", newline="") as f:
        return sorted({r["label"] for r in csv.DictReader(f)})


def release_id(slug: str, variant: str, month: date, generated: bool) -> str:
    return f"{SOURCE_ID}-{'generated-' if generated else ''}{slug}-{variant}-{month:%Y-%m}"


def derive(store_dir: Path, data_dir: Path, *, slug: str = "global", variant: str = "full",
           allow_generated: bool = False, complete_only: bool = True) -> Derived:
    """Monthly observations, one release per month and the list of dumps behind them."""
    rows = store.day_rows(store_dir, slug, variant)
    gen = [r.file for r in rows if r.generated]
    if gen and not allow_generated:
        raise InputError(store_dir, "the store holds generated test dumps; generated numbers never reach data/",
                         got=gen[:3], expected="only dumps fetched from the DSA Transparency Database")
    manifest = {m["date"]: m for m in store.manifest(store_dir, slug, variant)}
    by_month: dict[date, list[store.DayRow]] = defaultdict(list)
    for r in rows:
        d = date.fromisoformat(r.date)
        by_month[d.replace(day=1)].append(r)
    full, partial = [], []
    for month, days in sorted(by_month.items()):
        n = calendar.monthrange(month.year, month.month)[1]
        (full if len(days) == n else partial).append(month)
    months = full if complete_only else sorted(by_month)
    con = duckdb.connect()
    cube = store.final_cube(store_dir, slug, variant, con)
    if cube is None or not months:
        return Derived([], [], [], [m.strftime("%Y-%m") for m in partial])
    con.register("cube", cube)
    labels, kinds = _series(data_dir)
    result = con.execute(sql("monthly"), {"platforms": _platforms(data_dir), "labels": labels, "kinds": kinds}).fetchall()
    observations, releases, days_out = [], [], []
    meta = {}
    for month in months:
        days = sorted(by_month[month], key=lambda r: r.date)
        generated = any(r.generated for r in days)
        rid = release_id(slug, variant, month, generated)
        n = calendar.monthrange(month.year, month.month)[1]
        first, last = days[0].file, days[-1].file
        span = first if len(days) == 1 else f"{first} … {last}"
        locator = f"{span} ({len(days)} daily dumps; sha1 of each in data/catalog/dsa_sor_days.csv)"
        note = "" if len(days) == n else f"{len(days)} of the {n} daily dumps of the month were read"
        meta[month] = (rid, locator, note, month.replace(day=n))
        digest = hashlib.sha256("".join(f"{r.file} {r.sha1}\n" for r in days).encode()).hexdigest()
        releases.append(Release(
            release_id=rid, source_id=SOURCE_ID, edition=f"{month:%Y-%m} ({len(days)} daily dumps)",
            edition_end=month.replace(day=n).isoformat(), kind="raw", precedence=2, snapshot="single",
            title=f"DSA Transparency Database daily dumps ({slug}, {variant}), {month:%B %Y}: {span}",
            url=days[0].url, file=span, sha256=digest, bytes=sum(r.bytes for r in days),
            obtained_via=("generated test dumps (site_builder.dsa_sor.generate), never published" if generated else
                          "daily dumps fetched from the database's download addresses, each checked against its .sha1 "
                          "file and read by site_builder.dsa_sor (sha1 of each in data/catalog/dsa_sor_days.csv)"),
            first_ingested="",
        ))
        for r in days:
            m = manifest[r.date]
            days_out.append({"release_id": rid, **{k: m[k] for k in DAYS_COLUMNS if k != "release_id"}})
    for month, platform, policy, measure, value in result:
        if month not in meta:
            continue
        rid, locator, note, end = meta[month]
        observations.append(Observation(
            source_id=SOURCE_ID, release_id=rid, platform_label=platform, policy_label=policy,
            metric_label=MEASURES[measure], period_start=month, period_end=end, geography="EU", value_status="reported",
            value=float(value), value_low=None, value_high=None, value_as_published=str(value), unit="SoRs",
            locator=locator, note=note,
        ))
    observations.sort(key=Observation.sort_key)
    return Derived(observations, releases, days_out, [m.strftime("%Y-%m") for m in partial])


def days_csv(days: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=DAYS_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(sorted(days, key=lambda d: (str(d["release_id"]), str(d["date"]))))
    return buf.getvalue()
