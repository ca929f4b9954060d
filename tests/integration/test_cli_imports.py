"""The read commands answer at once: the CLI loads no training library (scikit-learn, scipy) to start."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import PROJECT


def test_the_cli_starts_without_the_training_libraries() -> None:
    probe = "import sys, flows.cli.app; print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
