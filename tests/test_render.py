"""Rendering: escaping of source text, and golden files for a rendered figure (HTML block
and Vega-Lite spec). Golden files change only on purpose: UPDATE_GOLDEN=1 rewrites them."""

import json
import os
from pathlib import Path

import pytest

from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure, SourceItem, SourceRef, render_all
from site_builder.render import environment, ident, md_escape

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"),
    ("*bold* _em_ [link](javascript:x)", "&#42;bold&#42; &#95;em&#95; &#91;link&#93;(javascript:x)"),
    ("Meta's A&B | #1", "Meta&#39;s A&amp;B &#124; &#35;1"),
])
def test_source_text_is_escaped_for_html_and_markdown(text, expected):
    assert md_escape(text) == expected


def test_identifiers_are_refused_unless_safe():
    assert ident("meta_cser-2024Q2") == "meta_cser-2024Q2"
    with pytest.raises(ValueError):
        ident('x" onmouseover="y')


def golden_figure() -> Figure:
    rows = [
        {"series": "Platform A: Policy <b>X</b>", "period": "2021Q1", "x": "2021-02-14", "value": 10.0,
         "value_text": "10", "value_as_published": "10", "unit": "items", "locator": "a.csv line 2",
         "doc_url": "https://example.org/a", "release_id": "src-2021Q1"},
        {"series": "Platform A: Policy <b>X</b>", "period": "2021Q2", "x": "2021-05-16", "value": 12.0,
         "value_text": "12", "value_as_published": "12", "unit": "items", "locator": "a.csv line 3",
         "doc_url": "javascript:alert(1)", "release_id": "src-2021Q1"},
    ]
    chart = ChartCall(base.time_lines, dict(rows=[{k: r[k] for k in ("x", "value", "series")} for r in rows],
                                            x="x", y="value", series="series", y_title="Items", y_format="~s",
                                            title="Golden chart", events=[{"date": "2021-04-01", "label": "Change"}]))
    return Figure(id="golden", title="Golden chart", takeaway="It went up.", description="Line chart. Up.",
                  rows=rows, columns=[Column("series", "Series"), Column("period", "Period"),
                                      Column("value_text", "Value", "value")],
                  sources=[SourceRef("Publisher: Report <i>2021</i>", "CC BY 4.0", "",
                                     (SourceItem("2021Q1 edition (CSV)", "https://example.org/a", "src-2021Q1"),))],
                  chart=chart, caveat="Not comparable.")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 once, review and commit it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_figure_golden_files(tmp_path):
    fig = golden_figure()
    assert render_all([(fig, tmp_path, "../figures/test/")], cache_dir=None) == {"rendered": 1}
    spec = json.loads((tmp_path / "golden.vl.json").read_text())
    check_golden("figure.vl.json", json.dumps(spec, indent=1, sort_keys=True) + "\n")
    tmpl = environment().from_string('{% from "partials/_figure.html.j2" import figure %}{{ figure(fig, "../") }}\n')
    html = tmpl.render(fig=fig)
    check_golden("figure.html", html)
    assert "<b>X</b>" not in html and "<i>" not in html and "javascript:" not in html


def test_unsafe_document_links_are_not_linked():
    from site_builder.pages.common import first_url
    assert first_url("javascript:alert(1)") == ""
    assert first_url("see https://example.org/a_b") == "https://example.org/a_b"
    # several addresses and no period to choose by: none is picked (never simply the first)
    assert first_url("see https://example.org/a_b | https://example.org/c_d") == ""
    assert first_url("https://x.org") == ""  # a homepage is not a source link


def test_a_takeaway_that_counts_rows_links_only_the_rows_it_cites():
    from site_builder.pages.common import Page
    from site_builder.render import prepare_quotes
    counting = golden_figure()
    counting.takeaway, counting.cites = "2 changes; 10 of them returned.", []
    quoting = golden_figure()
    quoting.takeaway = "It went up to 12 from 10."
    page = Page(path="p.md", title="P", template="pages/p.md.j2", nav="", figures=[counting, quoting])
    prepare_quotes(page, {})
    assert "<a" not in str(counting.takeaway_html)
    assert 'href="https://example.org/a" title="a.csv line 2" rel="noopener">10</a>' in str(quoting.takeaway_html)
