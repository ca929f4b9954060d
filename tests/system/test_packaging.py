"""The first `make run`: the wheel builds without a setuptools warning and carries the SQL files, and the
Makefile says what it is doing while it installs, with pip's own progress for the long step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import PROJECT

PACKAGES = ("extractors", "flows", "warehouse")
# The `warnings` module's own format, `file.py:LINE: SomeWarning: text`, as setuptools' warnings print.
PYTHON_WARNING = re.compile(r"\.py:\d+: \w*Warning\b|\bSetuptools\w*Warning\b")


def project_copy(into: Path) -> Path:
    """The files a build reads, copied, so that build/ and *.egg-info never land in the checkout."""
    into.mkdir()
    for name in ("pyproject.toml", "README.md", "Makefile", "constraints.txt"):
        shutil.copy2(PROJECT / name, into / name)
    for package in PACKAGES:
        shutil.copytree(PROJECT / package, into / package, ignore=shutil.ignore_patterns("__pycache__"))
    return into


def test_the_wheel_builds_without_setuptools_warnings_and_holds_the_sql(tmp_path: Path) -> None:
    source, out = project_copy(tmp_path / "src"), tmp_path / "wheels"
    # No index and no build isolation: the build uses this environment's setuptools (pinned in the dev extra).
    build = ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "-v", "-w", str(out), str(source)]
    done = subprocess.run(
        [sys.executable, "-m", "pip", *build],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    warnings = [line for line in output.splitlines() if PYTHON_WARNING.search(line)]
    assert warnings == [], "\n".join(warnings)

    (wheel,) = out.glob("newswatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("schema", "views"):
        sql = {f"warehouse/{folder}/{p.name}" for p in (PROJECT / "warehouse" / folder).glob("*.sql")}
        assert sql and sql <= names, sorted(sql - names)
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_first_make_run_says_what_it_installs_and_lets_pip_show_progress(tmp_path: Path) -> None:
    source = project_copy(tmp_path / "src")
    done = subprocess.run(["make", "-n", "run"], cwd=source, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    steps = done.stdout.splitlines()
    said = [line for line in steps if line.startswith("echo ")]
    assert any("creating .venv" in line for line in said), steps
    assert any("installing pinned dependencies" in line and "minutes" in line for line in said), steps
    (install,) = [line for line in steps if "-r .venv/requirements.txt" in line]
    assert "--quiet" not in install and "-q " not in install and "--progress-bar on" in install
    assert steps.index(next(line for line in said if "installing pinned" in line)) < steps.index(install)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_first_make_run_lists_the_pinned_dependencies_and_installs_newswatch_without_a_warning(
    tmp_path: Path,
) -> None:
    source = project_copy(tmp_path / "src")
    steps = subprocess.run(["make", "-n", "run"], cwd=source, capture_output=True, text=True, timeout=60)
    lines = steps.stdout.splitlines()
    (listing,) = [line for line in lines if "> .venv/requirements.txt" in line]
    (project,) = [line for line in lines if line.endswith("-e .")]
    venv = source / ".venv"
    venv.mkdir()
    listing = listing.replace(".venv/bin/python", sys.executable)
    listed = subprocess.run(["bash", "-c", listing], cwd=source, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    requirements = (venv / "requirements.txt").read_text().split()
    assert "prefect==3.8.8" in requirements and any(r.startswith("pytest==") for r in requirements)
    # The Makefile's own environment for that line, around the build step pip runs for it: setuptools'
    # PEP 660 hook building the editable wheel (into a scratch folder: installing it here would replace this
    # very environment's newswatch).
    settings = dict(re.findall(r"(\w+)='([^']*)'", project.split(" .venv/bin/pip")[0]))
    assert "--quiet" in project and "--no-deps" in project
    hook = "from setuptools import build_meta; build_meta.build_editable(" + repr(str(tmp_path / "out")) + ")"
    built = subprocess.run(
        [sys.executable, "-c", hook],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **settings},
    )
    assert built.returncode == 0, built.stderr
    said = built.stdout + built.stderr
    assert not PYTHON_WARNING.search(said) and "Editable installation" not in said, said
