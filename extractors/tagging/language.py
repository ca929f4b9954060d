"""Article language: the page's own <html lang> first, then py3langid over the text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

HTML_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.IGNORECASE)
MIN_DETECT_CHARS = 40
DETECT_CHARS = 3000


def html_language(html: bytes) -> str | None:
    m = HTML_LANG.search(html[:8192])
    return m.group(1).decode("ascii").lower() if m else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) from the text, or (None, 0.0) when there is too little of it."""
    sample = text.strip()[:DETECT_CHARS]
    if len(sample) < MIN_DETECT_CHARS:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), float(prob)


def article_language(html: bytes, text: str) -> str | None:
    return html_language(html) or detect_language(text)[0]
