"""bench.throughput measures what a run costs: CPU a page against trafilatura's, with a flow as the CLI runs it."""

from __future__ import annotations

import subprocess
import sys

from bench.throughput import Timing, last_line
from tests.support.paths import PROJECT


def _figures(line: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in line.split())


def test_the_last_line_carries_cpu_a_page_against_trafilaturas_and_keeps_the_speed_figures() -> None:
    traf = Timing(pages_per_s=40.0, own_cpu_ms_per_page=12.0)
    pipe = Timing(pages_per_s=43.0, own_cpu_ms_per_page=6.0, children_cpu_ms_per_page=12.0)
    figures = _figures(last_line(2000, traf, pipe, newspaper4k_pps=8.6))
    assert figures["cpu_ms_per_page"] == "18.0"  # the flow process and its workers
    assert figures["trafilatura_cpu_ms_per_page"] == "12.0"
    assert figures["cpu_ratio"] == "1.50"
    assert figures["pipeline_pps"] == "43.0"
    assert figures["ratio_vs_newspaper4k"] == "5.00"


def test_the_bench_imports_no_prefect_before_it_points_prefect_at_its_server() -> None:
    # Imported earlier, Prefect reads its settings without the API's address and starts a server of its own in
    # the flow; and every analysis worker, which imports the bench's module again, would import Prefect too.
    probe = "import sys, bench.throughput; print('prefect' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
