"""Publish: run MkDocs (strict) on the generated docs, then swap the finished site into
place. The previous site is replaced only after MkDocs succeeded; a failed build leaves
it untouched."""

from __future__ import annotations

import logging
import shutil
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


def run_mkdocs(docs_dir: Path, site_dir: Path, nav: list[Any], config_file: Path = settings.MKDOCS_YML) -> None:
    """``mkdocs build --strict`` of ``docs_dir`` into ``site_dir`` with the given navigation."""
    handler = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    try:
        cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir),
                          nav=nav, strict=True)
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
