"""Where the test data lives: the bundled seeds and capture, and the measurement data beside the checkout."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent.parent
CORPUS = PROJECT / "seeds" / "corpus"
CAPTURE = PROJECT / "seeds" / "capture"
SHARED_DATA = PROJECT.parent / "shared" / "data"
# A captured ANI article page (under CAPTURE/sites/www.aninews.in/) that several tests serve.
ANI_PATH = "news/national/general-news/russia-reaffirms-strategic-defence-partnership-with-india20251202"
