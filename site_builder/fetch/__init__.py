"""The fetch step (``python -m site_builder fetch``), the only networked code of the project.

* ``declarations``: how each source's releases are fetched (the ``fetch:`` blocks of sources.yaml);
* ``http``: one GET with timeouts, a redirect limit and bounded retries (httpx + stamina);
* ``checks``: what a response must pass before its file is kept;
* ``cache``: the dated raw cache outside git, never overwritten;
* ``log``: the fetch log ``data/catalog/fetches.csv`` and ``FetchResult``, one row of it;
* ``runner``: ``run()``, which ties them together.

``run`` is loaded on first use, so that reading the catalog does not import httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from site_builder.fetch.log import LOG_COLUMNS, OUTCOMES, FetchResult

if TYPE_CHECKING:
    from site_builder.fetch.runner import run

__all__ = ["LOG_COLUMNS", "OUTCOMES", "FetchResult", "run"]


def __getattr__(name: str) -> Any:
    if name == "run":
        from site_builder.fetch.runner import run

        return run
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
