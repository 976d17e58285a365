"""Publish: run MkDocs (strict) on the generated docs, then swap the finished site into
place. The previous site is replaced only after MkDocs succeeded; a failed build leaves
it untouched.

MkDocs dates what it writes (the modification time in ``sitemap.xml.gz``, the sitemap's
``lastmod``, the pages' ``update_date``) by the day of the build unless
``SOURCE_DATE_EPOCH`` is set. The build sets it to the date up to which data was collected
(the latest ``first_ingested`` of the releases), so that the same data gives the same site
on any day; a ``SOURCE_DATE_EPOCH`` already set by the caller is kept."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from site_builder import settings
from site_builder.errors import BuildError


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def epoch_of(day: str) -> int:
    """Seconds since 1970 at midnight UTC of an ISO date (``2026-01-31``)."""
    return int(datetime.combine(date.fromisoformat(day), time(0), tzinfo=UTC).timestamp())


@contextmanager
def source_date(day: str) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` to ``day`` (ISO date) while MkDocs runs, unless it is already
    set or ``day`` is empty; restore the environment afterwards."""
    if not day or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch_of(day))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def run_mkdocs(docs_dir: Path, site_dir: Path, nav: list[Any], config_file: Path = settings.MKDOCS_YML,
               build_date: str = "") -> None:
    """``mkdocs build --strict`` of ``docs_dir`` into ``site_dir`` with the given navigation;
    ``build_date`` (ISO date) is the date MkDocs writes into the site (see the module docstring)."""
    handler = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    try:
        cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir),
                          nav=nav, strict=True)
        with source_date(build_date):
            mkdocs_build(cfg)
    except (Abort, MkDocsException, SystemExit) as exc:
        detail = "\n  ".join(handler.messages[:20]) or str(exc)
        raise BuildError(f"mkdocs build --strict failed:\n  {detail}") from exc
    finally:
        log.removeHandler(handler)


def swap_into_place(new_site: Path, target: Path) -> None:
    """Replace ``target`` with ``new_site`` (rename, so readers never see half a site)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_site.rename(target)
    if old.exists():
        shutil.rmtree(old)
