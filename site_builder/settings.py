"""Paths and constants shared by every stage. Nothing here reads data."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
TEMPLATES_DIR = ROOT / "templates"
SQL_DIR = Path(__file__).resolve().parent / "sql"
MKDOCS_YML = ROOT / "mkdocs.yml"
BUILD_DIR = ROOT / "build"
DEFAULT_RAW_DIR = Path(os.environ.get("PEW_RAW_DIR", ROOT.parent / "shared" / "data" / "raw"))
DEFAULT_CURATED_DIR = Path(
    os.environ.get("PEW_CURATED_DIR", ROOT.parent / "shared" / "data" / "curated")
)

# Geography code for figures that cover the whole world.
GLOBAL = "global"

# The dated raw cache the fetch step keeps files in (outside git: cache/raw/<source>/<date>/...).
CACHE_DIR = Path(os.environ.get("PEW_CACHE_DIR", ROOT / "cache"))
