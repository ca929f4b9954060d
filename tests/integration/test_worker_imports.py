"""An analysis worker starts on what analysis needs: it imports neither the settings nor the HTTP client, nor
datasketch and SciPy behind it (extractors/dedup/minhash.py)."""

from __future__ import annotations

import pickle
import subprocess
import sys

from flows.seed_files import load_tagging, seed_paths
from tests.support.paths import PROJECT


def _imported_by_a_worker(modules: set[str]) -> str:
    seeds = seed_paths()
    tagging = pickle.dumps(load_tagging(seeds["topics"], seeds["entities"]))
    probe = (
        "import pickle, sys\n"
        "import flows.ingest.pool_worker\n"
        "pickle.loads(sys.stdin.buffer.read()).models()\n"
        f"print(sorted({set(modules)!r} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, input=tagging, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def test_a_worker_unpickling_its_tagging_files_imports_no_settings_or_http_client() -> None:
    assert _imported_by_a_worker({"flows.settings", "httpx", "pydantic_settings", "prefect"}) == "[]"


def test_a_worker_imports_neither_datasketch_nor_scipy() -> None:
    # datasketch's package imports SciPy for its LSH, a visible share of a worker's start (docs/performance.md).
    assert _imported_by_a_worker({"datasketch", "scipy"}) == "[]"
