"""Render pages: figures to files, Jinja2 templates to Markdown in the docs directory.

Every value printed by a template is escaped for both HTML and Markdown (``finalize``), so
text from sources (a label with ``<script>``, a title with ``*`` or ``_``) comes out as
inert text; only ``Markup`` produced by the templates' own macros passes unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from site_builder import fmt, settings
from site_builder.errors import BuildError
from site_builder.figures import render_all
from site_builder.pages.common import Page, first_url
from site_builder.quote import data_period, link_numbers, linked_parts, quote_text

# Characters HTML or Markdown would interpret inside text, written as entities.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;",
             **{c: f"&#{ord(c)};" for c in "\\`*_[]{}#|~!$"}}


def md_escape(value: Any) -> Markup:
    """Escape text for HTML and neutralise Markdown syntax characters, in one pass."""
    if isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    return Markup("".join(_ENTITIES.get(ch, ch) for ch in text))


def ident(value: str) -> Markup:
    """An identifier for anchors and attribute lists; refuses anything but [A-Za-z0-9_.-]."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", str(value)):
        raise ValueError(f"not a safe identifier: {value!r}")
    return Markup(value)


# file paths, file names and column or value names (snake_case) in engineers' text
_PATHISH = re.compile(r"(?<![\w/])((?:data|site_builder|curated|tests)/[\w./-]+|[\w-]+\.(?:csv|sql|json|yaml)"
                      r"|[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b)")


def code_paths(text: str) -> Markup:
    """Escape a text and set the file paths, file names and column names in it as code (engineers' text)."""
    out, last = [], 0
    for m in _PATHISH.finditer(str(text)):
        out += [escape(str(text)[last:m.start()]), Markup("<code>{}</code>").format(m.group(1))]
        last = m.end()
    out.append(escape(str(text)[last:]))
    return Markup("").join(out)


def environment(templates_dir: Path = settings.TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        count=fmt.count, short=fmt.short, pct=fmt.percent, url=first_url, ident=ident, link_numbers=link_numbers,
        period=lambda r: fmt.period(r["period_start"], r["period_end"]),
        date_text=fmt.date_text, dates_in_words=fmt.dates_in_words, code_paths=code_paths,
    )
    env.globals.update(quote_text=quote_text, data_period=data_period)
    return env


def render_figures(pages: list[Page], docs_dir: Path, cache_dir: Path | None) -> Counter[str]:
    """Write every figure's files next to its page (``figures/<page>/``), drawing uncached
    charts on every core; return how many charts were rendered, cached, and tables."""
    jobs = [(fig, docs_dir / "figures" / page.slug, f"{page.root}figures/{page.slug}/")
            for page in pages for fig in page.figures]
    return render_all(jobs, cache_dir, workers=os.cpu_count() or 1)


def page_url(page: Page, site: dict[str, Any]) -> str:
    """The page's address: absolute when mkdocs.yml sets site_url, else its path in the site."""
    path = page.path.removesuffix(".md") + ".html"
    return (site.get("site_url") or "").rstrip("/") + "/" + path if site.get("site_url") else path


def prepare_quotes(page: Page, site: dict[str, Any]) -> None:
    """Link the numbers of every takeaway to their documents and write each 'quote this' text."""
    url = page_url(page, site)
    for fig in page.figures:
        fig.takeaway_html = (linked_parts(fig.takeaway_parts) if fig.takeaway_parts else
                             link_numbers(fig.takeaway, fig.rows if fig.cites is None else fig.cites, page.root))
        fig.quote = quote_text(fig.takeaway, fig.sources, f"{url}#{fig.id}", fig.data_period or data_period(fig.rows))


def render_markdown(page: Page, docs_dir: Path, env: jinja2.Environment, site: dict[str, Any]) -> None:
    """Render the page's template to Markdown (after its figures, whose URLs it uses), with
    the page's 'cite this page' text at the end."""
    prepare_quotes(page, site)
    try:
        text = env.get_template(page.template).render(page=page, root=page.root, site=site, **page.context)
        text += env.get_template("partials/_cite.md.j2").render(page=page, site=site, url=page_url(page, site))
    except jinja2.TemplateError as exc:
        raise BuildError(f"template {page.template} failed for page {page.path}: {exc}") from exc
    out = docs_dir / page.path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def copy_static(docs_dir: Path, templates_dir: Path = settings.TEMPLATES_DIR) -> None:
    """Copy stylesheets and other static files from ``templates/assets`` into the docs."""
    src = templates_dir / "assets"
    if src.exists():
        shutil.copytree(src, docs_dir / "assets", dirs_exist_ok=True)
