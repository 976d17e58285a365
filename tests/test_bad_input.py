"""Bad input stops the build with a clear message and leaves the published site untouched;
text from sources comes out as inert text."""

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import REPO, quiet
from site_builder.errors import BuildError, InputError
from site_builder.pipeline import build


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def workspace(tmp_path, built_site):
    """A copy of the committed data and of a finished build (site, warehouse, chart cache)."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build_dir = tmp_path / "build"
    shutil.copytree(built_site, build_dir)
    return data, build_dir


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def fails_and_keeps_site(data, build_dir, exc_type, *needles):
    before = tree_hash(build_dir / "site")
    with pytest.raises(exc_type) as err:
        build(data_dir=data, build_dir=build_dir, console=quiet())
    for n in needles:
        assert n in str(err.value), str(err.value)
    assert tree_hash(build_dir / "site") == before
    assert not list(build_dir.glob(".building-*"))
    return str(err.value)


def test_truncated_observations_file(workspace):
    data, build_dir = workspace
    path = data / "observations" / "curated" / "independent_tests.csv"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    fails_and_keeps_site(data, build_dir, BuildError, "independent_tests.csv")


def test_renamed_header(workspace):
    data, build_dir = workspace
    edit(data / "observations" / "meta_cser.csv", "metric_label", "metric")
    fails_and_keeps_site(data, build_dir, InputError, "meta_cser.csv", "unexpected header", "metric_label")


def test_unknown_label_names_file_label_and_map(workspace):
    data, build_dir = workspace
    edit(data / "observations" / "meta_cser.csv", ",Bullying & Harassment,", ",Bullying and Harassment,")
    fails_and_keeps_site(data, build_dir, BuildError, "data/observations/meta_cser.csv", "'Bullying and Harassment'",
                         "data/taxonomy/policy_labels/meta_cser.csv", "meta/meta-2021-q2.csv line")


def test_negative_count(workspace):
    data, build_dir = workspace
    edit(data / "observations" / "curated" / "x_twitter_transparency.csv", ",81730426,", ",-81730426,")
    fails_and_keeps_site(data, build_dir, BuildError, "negative value -81730426", "x_twitter_transparency.csv line")


def test_na_written_as_a_value(workspace):
    data, build_dir = workspace
    edit(data / "observations" / "meta_cser.csv", ",reported,20800000,", ",reported,N/A,")
    fails_and_keeps_site(data, build_dir, BuildError, "unreadable number 'N/A'")


def test_range_collapsed_into_a_value(workspace):
    data, build_dir = workspace
    edit(data / "observations" / "meta_cser.csv", ",range,,4,5,", ",range,4.5,4,5,")
    fails_and_keeps_site(data, build_dir, BuildError, "value_status 'range' does not match its values")


def test_bom_in_a_committed_csv_is_accepted(workspace):
    data, build_dir = workspace
    path = data / "annotations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    build(data_dir=data, build_dir=build_dir, console=quiet())


def test_script_in_source_text_is_inert(workspace):
    data, build_dir = workspace
    path = data / "observations" / "curated" / "independent_tests.csv"
    edit(path, 'CCDH, ""Failure to Protect"" (antisemitism)',
         'CCDH <script>alert(1)</script> <img src=x onerror=""alert(2)"">', count=200)
    label = "antisemitic hate (reported via in-platform user reporting tools)"
    labels = data / "taxonomy" / "policy_labels" / "independent_tests.csv"
    labels.write_text(labels.read_text() + f"<b>{label}</b>,antisemitic_hate,hate_speech\n")
    edit(path, f",{label},", f",<b>{label}</b>,", count=200)
    site = build(data_dir=data, build_dir=build_dir, console=quiet())
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    joined = "\n".join(pages)
    assert "<script>alert(1)" not in joined and "onerror=\"alert" not in joined
    assert "<b>antisemitic" not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "&lt;b&gt;antisemitic" in joined
