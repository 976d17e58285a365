"""Every sentence on the built site that compares periods across a comparability break
(data/taxonomy/breaks.csv) carries that break's caveat in the same sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentences import crossing, load_breaks, missing_caveats, sentences, sentences_in_context

BREAKS = load_breaks()
BY_ID = {b.break_id: b for b in BREAKS}


def site_sentences(site: Path) -> list[tuple[str, str, str]]:
    """(page, sentence, source list of its figure) for every page of the site."""
    out = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.parts or "search" in page.parts:
            continue
        out.extend((str(page.relative_to(site)), s, ctx)
                   for s, ctx in sentences_in_context(page.read_text(encoding="utf-8")))
    return out


def test_the_checker_finds_a_comparison_across_a_break_and_accepts_its_caveat():
    bad = "NCMEC counted 686,176 CyberTipline reports from X in 2024, against 870,503 in 2023."
    assert crossing(bad, BY_ID["ncmec_bundling_2024"])
    assert missing_caveats(bad, BREAKS) == [BY_ID["ncmec_bundling_2024"]]
    good = bad.rstrip(".") + f" ({BY_ID['ncmec_bundling_2024'].caveat})."
    assert missing_caveats(good, BREAKS) == []
    # the same years in a sentence about another platform's hate speech figures, or without a number, are fine
    assert not crossing("Data: 2019 to 2024.", BY_ID["ncmec_bundling_2024"])
    hate = "Facebook actioned 31.5 million pieces of content under Hateful Conduct in 2024Q4 and 1.3 million in 2025Q1."
    assert missing_caveats(hate, BREAKS) == [BY_ID["meta_hateful_conduct_2025"]]
    cse = "Facebook actioned 9.9 million pieces of content as child sexual exploitation in 2025Q4; highest 2022Q3."
    assert BY_ID["meta_hateful_conduct_2025"] not in missing_caveats(cse, BREAKS)
    # an edition is not a period: the same quarter's value in two editions compares no periods
    assert not crossing("The 2020Q2 count read 9.4 million (the 2021Q2 edition), then 2.8 million (the 2022Q1 edition).",
                        BY_ID["meta_cse_split_2021q2"])


def test_sentences_are_split_from_the_page_text_without_tables():
    html = ("<html><body><article><p>First 2023 sentence with 5 things. Second one, 2024.</p>"
            "<table><tr><td>NCMEC 2023 1 2024 2</td></tr></table></article></body></html>")
    assert sentences(html) == ["First 2023 sentence with 5 things.", "Second one, 2024."]


@pytest.mark.slow
def test_no_sentence_on_the_site_compares_across_a_break_without_its_caveat(built_site):
    found = site_sentences(built_site / "site")
    assert len(found) > 1000
    bad = [(page, s, [b.break_id for b in missing]) for page, s, ctx in found
           if (missing := missing_caveats(s, BREAKS, ctx))]
    assert not bad, f"{len(bad)} sentences compare across a break without its caveat, e.g.:\n" + "\n".join(
        f"{p}: {s!r} (breaks: {ids})" for p, s, ids in bad[:12])
