"""How much of an article's title and body the analysis stages read.

Topic tags, entity counts and story profiles read the title and the body up to these caps: the lead and
far more text than any news article holds, so on one they change nothing; on a huge page (the HTTP client
lets in pages of megabytes) they keep the cost of each stage to that of a long article. Fingerprints read
the whole text, which extraction bounds (extractors/article/extract.py).
"""

from __future__ import annotations

import re

TITLE_CHARS = 1_000
BODY_CHARS = 100_000

LAST_SPACE = re.compile(r"\s\S*\Z")


def head(text: str, limit: int) -> str:
    """`text` up to `limit` characters, cut at a space when there is one so that no word is cut in two."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = LAST_SPACE.search(cut)
    return cut[: space.start()] if space is not None and space.start() > 0 else text[:limit]


def read_title(title: str) -> str:
    return head(title, TITLE_CHARS)


def read_body(body: str) -> str:
    return head(body, BODY_CHARS)
