"""Bad input stops the build with a clear message and leaves the published site untouched;
text from sources comes out as inert text."""

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from conftest import FIXTURES, REPO, make_data_dir, quiet, write_manifest
from site_builder import pipeline, warehouse
from site_builder.charts import base
from site_builder.errors import BuildError, InputError
from site_builder.figures import ChartCall, Figure, draw, drawable_rows
from site_builder.ingest import ingest_curated, ingest_raw
from site_builder.pages.common import Ctx, Page
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


# ---------------------------------------------------------------------------------------------
# Bad input at ingest, in the publishers' and researchers' real formats (issue 8, item 8).

META = FIXTURES / "meta" / "meta-2021-q2.csv"
CURATED = FIXTURES / "curated" / "independent_tests.csv"
REPRS = ("['", "('", "datetime.date(", "\\x", "b'")


def no_repr(message: str) -> None:
    assert not any(r in message for r in REPRS), message


def ingest_meta(tmp_path: Path, content: bytes) -> Path:
    """Ingest one Meta edition written as ``content``; returns the data directory."""
    raw = tmp_path / "raw"
    (raw / "meta").mkdir(parents=True)
    (raw / "meta" / "meta-2021-q2.csv").write_bytes(content)
    write_manifest(raw, [("meta/meta-2021-q2.csv", "meta_cser", "2021Q2")])
    data = make_data_dir(tmp_path)
    ingest_raw("meta_cser", raw, data)
    return data


def ingest_one_curated(tmp_path: Path, content: bytes, curated: dict | None = None,
                       name: str = "independent_tests.csv") -> Path:
    cur = tmp_path / "curated"
    cur.mkdir(parents=True, exist_ok=True)
    (cur / name).write_bytes(content)
    data = make_data_dir(tmp_path, curated=curated)
    ingest_curated(cur, data)
    return data


def meta_bytes(edit=lambda t: t) -> bytes:
    return edit(META.read_text(encoding="utf-8")).encode("utf-8")


def curated_bytes(edit=lambda t: t) -> bytes:
    return edit(CURATED.read_text(encoding="utf-8")).encode("utf-8")


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf \r\n"])
@pytest.mark.parametrize("fmt", ["meta", "curated"])
def test_an_empty_file_says_it_is_empty(tmp_path, fmt, content):
    with pytest.raises(InputError) as err:
        (ingest_meta if fmt == "meta" else ingest_one_curated)(tmp_path, content)
    msg = str(err.value)
    assert "the file is empty" in msg and ("meta/meta-2021-q2.csv" in msg or "curated/independent_tests.csv" in msg)


@pytest.mark.parametrize("fmt", ["meta", "curated"])
def test_invalid_utf8_names_the_line_and_byte_offset(tmp_path, fmt):
    good = meta_bytes() if fmt == "meta" else curated_bytes()
    lines = good.split(b"\n")
    lines[2] = lines[2].replace(b"Facebook", b"Fac\xe9book", 1)  # Latin-1 'é' on line 3
    bad = b"\n".join(lines)
    offset = bad.index(b"\xe9")
    with pytest.raises(InputError) as err:
        (ingest_meta if fmt == "meta" else ingest_one_curated)(tmp_path, bad)
    msg = str(err.value)
    assert "line 3" in msg and f"byte offset {offset}" in msg and "0xe9" in msg and "not UTF-8" in msg, msg
    no_repr(msg)


def test_a_renamed_header_names_the_missing_column(tmp_path):
    with pytest.raises(InputError) as err:
        ingest_meta(tmp_path / "m", meta_bytes(lambda t: t.replace("app,policy_area,metric,", "app,policy_area,measure,", 1)))
    assert "line 1" in str(err.value) and "missing column metric" in str(err.value)
    assert "unknown column measure" in str(err.value)
    no_repr(str(err.value))
    with pytest.raises(InputError) as err:
        ingest_one_curated(tmp_path / "c", curated_bytes(lambda t: t.replace(",source_url,", ",url,", 1)))
    assert "missing column source_url" in str(err.value)
    no_repr(str(err.value))


def test_a_duplicate_key_names_both_lines_without_python_reprs(tmp_path):
    dup = "Instagram,Hate Speech,Content Actioned,2021Q2,\"9,900,000\"\n"
    with pytest.raises(InputError) as err:
        ingest_meta(tmp_path, meta_bytes(lambda t: t + dup))
    msg = str(err.value)
    assert msg.startswith("meta/meta-2021-q2.csv")
    assert "line 9 and line 12" in msg, msg
    assert "Instagram / Hate Speech / Content Actioned / 2021-04-01 to 2021-06-30" in msg
    no_repr(msg)


def test_every_negative_value_of_a_file_is_reported(tmp_path):
    def edit(t: str) -> str:
        return t.replace('"5,100,000"', "-5100000", 1).replace("99.50%", "-99.50%", 1).replace('"9,800,000"', '"-9,800,000"', 1)

    with pytest.raises(InputError) as err:
        ingest_meta(tmp_path / "m", meta_bytes(edit))
    msg = str(err.value)
    assert "3 negative values" in msg
    for line, value in ((2, "-5100000"), (6, "-99.50%"), (9, "-9,800,000")):
        assert f"line {line}, column value: negative value '{value}'" in msg, msg
    with pytest.raises(InputError) as err:
        ingest_one_curated(tmp_path / "c", curated_bytes(lambda t: t.replace(",100,posts,", ",-100,posts,", 1)
                                                         .replace(",10,posts,", ",-10,posts,", 1)))
    assert "2 negative values" in str(err.value)
    assert "line 2, column value: negative value -100" in str(err.value)
    assert "line 3, column value: negative value -10" in str(err.value)


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_qualified_value_is_kept_as_published_and_marked_not_numeric(tmp_path):
    data = ingest_meta(tmp_path / "m", meta_bytes(lambda t: t.replace("99.50%", "approximately 4%", 1)))
    (row,) = [r for r in read_rows(data / "observations" / "meta_cser.csv") if r["metric_label"] == "Proactive rate"]
    assert (row["value_status"], row["value"], row["value_low"], row["value_high"], row["value_as_published"]) == \
        ("not_numeric", "", "", "", "approximately 4%")
    data = ingest_one_curated(tmp_path / "c", curated_bytes(lambda t: t.replace(",10,posts,", ",about 10,posts,", 1)))
    rows = read_rows(data / "observations" / "curated" / "independent_tests.csv")
    (row,) = [r for r in rows if r["value_as_published"] == "about 10"]
    assert (row["value_status"], row["value"]) == ("not_numeric", "")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/report.pdf", "www.example.org/report",
                                 "https://example.org/a | data:text/html;hi"])
def test_a_curated_source_url_that_is_not_http_is_refused(tmp_path, url):
    with pytest.raises(InputError) as err:
        ingest_one_curated(tmp_path, curated_bytes(lambda t: t.replace("https://example.org/test-report", url, 1)))
    msg = str(err.value)
    assert msg.startswith("curated/independent_tests.csv, line 2, column source_url: source_url is not an http(s)")


def test_a_failed_curated_ingest_leaves_no_tmp_files(tmp_path, monkeypatch):
    """A later file fails: nothing is written (before: the claims file was already written to
    claims.csv.tmp). A write that fails half-way removes its temporary files."""
    curated = {"policies.csv": {"role": "claims"},
               "zz_tests.csv": {"source_id": "independent_tests", "role": "facts", "edition": "x", "geography": "global"}}
    cur = tmp_path / "curated"
    cur.mkdir()
    shutil.copy(FIXTURES / "claims" / "policies.csv", cur / "policies.csv")
    (cur / "zz_tests.csv").write_bytes(curated_bytes(lambda t: t.replace(",100,posts,", ",lots,posts,", 1)))
    data = make_data_dir(tmp_path, curated=curated)
    with pytest.raises(InputError, match="zz_tests.csv, line 2, column value"):
        ingest_curated(cur, data)
    assert not list(data.rglob("*.tmp")) and not (data / "claims.csv").exists()

    (cur / "zz_tests.csv").write_bytes(curated_bytes())
    import site_builder.observations as observations
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        return os.replace(src, dst)

    monkeypatch.setattr(observations.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        ingest_curated(cur, data)
    assert len(calls) == 2 and not list(data.rglob("*.tmp"))


# ---------------------------------------------------------------------------------------------
# Bad input in the committed data/ at build (load) time.

def load(data: Path) -> None:
    warehouse.load(duckdb.connect(), data)


def test_committed_files_empty_not_utf8_or_with_a_renamed_column(tiny_data):
    obs = tiny_data / "observations" / "meta_cser.csv"
    good = obs.read_bytes()
    obs.write_bytes(b"")
    with pytest.raises(InputError, match=r"data/observations/meta_cser.csv: the file is empty"):
        load(tiny_data)
    lines = good.split(b"\n")
    lines[4] = lines[4].replace(b"Facebook", b"Face\x80book", 1)
    obs.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as err:
        load(tiny_data)
    offset = b"\n".join(lines).index(b"\x80")
    assert "data/observations/meta_cser.csv, line 5" in str(err.value) and f"byte offset {offset}" in str(err.value)
    obs.write_bytes(good.replace(b"metric_label", b"metric", 1))
    with pytest.raises(InputError) as err:
        load(tiny_data)
    assert "missing column metric_label; unknown column metric" in str(err.value)
    no_repr(str(err.value))


# ---------------------------------------------------------------------------------------------
# A number that is not a number: never drawn, never summed, shown as published.

def test_a_not_numeric_value_passes_the_checks_and_is_shown_as_published(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "meta", raw / "meta")
    q3 = raw / "meta" / "meta-2021-q3.csv"
    text = q3.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ",Proactive rate,2021Q2," in ln)  # revised from 99.50%
    q3.write_text(text.replace(line, line.rsplit(",", 1)[0] + ",approximately 4%"), encoding="utf-8")
    write_manifest(raw, [("meta/meta-2021-q2.csv", "meta_cser", "2021Q2"), ("meta/meta-2021-q3.csv", "meta_cser", "2021Q3")])
    data = make_data_dir(tmp_path)
    ingest_raw("meta_cser", raw, data)
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    assert warehouse.run_checks(con) == []
    ctx = Ctx(con)
    (p,) = [r for r in ctx.points(source_id="meta_cser", metrics=["proactive_rate"]) if r["value_status"] == "not_numeric"]
    assert p["value"] is None and p["value_as_published"] == "approximately 4%"
    assert p["value_text"] == "approximately 4% (as published)"
    chart = ChartCall(base.time_lines, dict(rows=[{"x": p["x"], "value": p["value"], "series": "s"}], x="x", y="value",
                                            series="series", y_title="", y_format="", title=""))
    assert drawable_rows(chart) == 0
    # a revision from a number to a qualified one is named as such, never 'revised down'
    (rev,) = rows_of(con, "SELECT change_kind, change FROM revisions WHERE value_status = 'not_numeric'")
    assert rev == ("changed (not a number as published)", None)


def rows_of(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_a_line_that_is_not_a_number_is_never_summed(tmp_path, fixture_raw):
    ncm = {"source_id": "ncmec_esp", "role": "facts", "edition": "test", "geography": "global"}
    header = "platform,esp_name_as_published,period_start,period_end,policy_area,metric,value,unit,source_url," \
             "source_title,retrieved_from,note\n"
    body = "".join(f"Reddit,{name},{y}-01-01,{y}-12-31,child sexual exploitation (CyberTipline),"
                   f"cybertipline_reports_from_esp,{v},reports,https://example.org/doc,Doc,test,\n"
                   for name, y, v in (("Reddit", 2022, "80"), ("\"Reddit, Inc.\"", 2022, "approximately 40"),
                                      ("Reddit", 2023, "90")))
    data = ingest_one_curated(tmp_path, (header + body).encode(), curated={"ncmec_cybertipline_by_esp.csv": ncm},
                              name="ncmec_cybertipline_by_esp.csv")
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    assert warehouse.run_checks(con) == []
    years = rows_of(con, "SELECT year(period_start), value FROM ncmec_platform_year WHERE platform_id = 'reddit' ORDER BY 1")
    assert years == [(2023, 90.0)]  # 2022 has a line that is not a number: not summed to 80


# ---------------------------------------------------------------------------------------------
# A chart with no rows after filtering.

def test_a_chart_that_cannot_render_gives_no_native_stack_trace(tmp_path, monkeypatch):
    # the chart layer now draws an empty frame for no rows (issue 9); the failure is vl-convert's
    # own, with the native backtrace it prints, as it raised it for an empty chart before
    import site_builder.figures as figures_mod

    def fails(*_a, **_k):
        raise ValueError("Vega error: bad spec\n\nStack backtrace:\n   0: vl_convert::main")
    monkeypatch.setattr(figures_mod.vlc, "vegalite_to_svg", fails)
    empty = ChartCall(base.time_lines, dict(rows=[], x="x", y="value", series="series", y_title="t", y_format="~s",
                                            title="T", events=[]))
    with pytest.raises(BuildError) as err:
        draw(empty, "description", "'empty' (T)", tmp_path / "empty")
    assert "chart 'empty' (T) failed to render" in str(err.value)
    assert "backtrace" not in str(err.value).lower() and "\n" not in str(err.value)


def test_an_empty_chart_is_left_out_with_a_message_naming_it_and_its_data():
    chart = ChartCall(base.hbars, dict(rows=[{"category": "a", "value": None, "value_text": "approx. 4% (as published)"}],
                                       category="category", value="value", x_title="", x_format="d", title=""))
    empty = Figure(id="x-empty", title="X: an empty chart", takeaway="", description="", rows=[], columns=[],
                   sources=[], chart=chart, data="series points where source_id = x_gtr")
    table = Figure(id="x-table", title="A table", takeaway="", description="", rows=[{"a": 1}], columns=[], sources=[])
    listed = Page(path="platforms/x.md", title="X", template="t", nav="", figures=[empty, table],
                  context={"figs": [empty, table], "lead": empty, "sections": [{"figs": [table, empty]}]})
    console = Console(record=True, width=300)
    left = pipeline.leave_out_empty_charts([listed], console)
    assert listed.figures == [table] and listed.context["figs"] == [table]
    assert listed.context["lead"] is None and listed.context["sections"] == [{"figs": [table]}]
    (msg,) = left["platforms/x.md"]
    assert msg == ("chart 'x-empty' ('X: an empty chart') on platforms/x.md: none of its 1 rows has a value to draw "
                   "(data read for it: series points where source_id = x_gtr)")
    assert "Left out chart 'x-empty'" in console.export_text()


def test_a_page_that_cannot_stand_without_its_empty_chart_stops_the_build(workspace, monkeypatch):
    """Meta's child sexual exploitation counts filtered to nothing: the topic page's template
    needs that chart, so the build stops naming it and its data (no native stack trace)."""
    data, build_dir = workspace
    points = Ctx.points

    def no_meta_counts(self, **filters):
        rows = points(self, **filters)
        return [] if filters.get("source_id") == "meta_cser" and filters.get("metrics") == ["content_actioned"] else rows

    monkeypatch.setattr(Ctx, "points", no_meta_counts)
    (build_dir / pipeline.FINGERPRINT_FILE).unlink()  # the data did not change: build all the same
    msg = fails_and_keeps_site(data, build_dir, BuildError, "page topics/child-sexual-exploitation.md cannot be shown",
                               "chart 'meta-cse-actioned'", "no row is left after filtering",
                               "series points where source_id = meta_cser, policy_keys = child_nudity_sexual_exploitation/"
                               "child_endangerment_sexual_exploitation, metrics = content_actioned, geography = global")
    assert "Traceback" not in msg and "backtrace" not in msg.lower()


# ---------------------------------------------------------------------------------------------
# An interrupted build: no worker survives it, its temporary directory goes at the next build.

def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc), zombies excluded."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, ppid = text.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            children.setdefault(int(ppid), []).append(int(stat.parent.name))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(p)
    return out


def start_build_until_charts(build_dir: Path) -> tuple[subprocess.Popen, set[int]]:
    """A clean build in a subprocess, stopped at nothing until its chart stage has workers."""
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--no-cache", "--build-dir", str(build_dir)],
                            cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "pages" in line and "✓" in line:
            break
    else:
        pytest.fail(f"the build ended before its chart stage (exit {proc.wait()})")
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = descendants(proc.pid)
        time.sleep(0.2)
    assert workers, "no chart worker started"
    time.sleep(1.0)  # let them draw
    return proc, descendants(proc.pid)


def gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive(pids)


@pytest.mark.slow
def test_sigterm_mid_chart_stage_stops_every_worker_and_removes_the_temporary_directory(tmp_path):
    build_dir = tmp_path / "build"
    proc, workers = start_build_until_charts(build_dir)
    proc.send_signal(signal.SIGTERM)
    rest = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=60) == 1
    assert "interrupted (SIGTERM)" in rest and "Traceback" not in rest, rest[-2000:]
    assert gone_within(workers, 10) == set()
    assert not list(build_dir.glob(".building-*")) and not (build_dir / "site").exists()


@pytest.mark.slow
def test_sigkill_leaves_no_worker_and_the_next_build_removes_its_temporary_directory(tmp_path):
    build_dir = tmp_path / "build"
    proc, workers = start_build_until_charts(build_dir)
    proc.kill()
    proc.wait(timeout=30)
    assert gone_within(workers, 15) == set(), "chart workers outlived their SIGKILLed build"
    (left,) = build_dir.glob(".building-*")
    running = build_dir / ".building-running"  # a build still running keeps its directory
    running.mkdir()
    (running / pipeline.OWNER_FILE).write_text(str(os.getpid()))
    with pytest.raises(InputError):  # the next build (of a data directory without observations)
        build(data_dir=make_data_dir(tmp_path / "empty"), build_dir=build_dir, console=quiet())
    assert not left.exists() and running.exists()
    assert [p.name for p in build_dir.glob(".building-*")] == [".building-running"]
