"""Quoting source-provided text in Markdown: the digest, and the table artifact (Prefect renders its cells as
Markdown). Titles, source names, errors and URLs come from the sources, so none may open a tag, a link, an
image, emphasis or a code span. Pure functions."""

from __future__ import annotations

from urllib.parse import quote

# HTML-significant characters become entities (a Markdown renderer passes raw HTML through); Markdown's inline
# punctuation gets a backslash. One pass, so the entities themselves are not escaped again.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"} | {c: "\\" + c for c in "\\`*_[]()!#|~{}"}
)
# What a link destination may keep as it is; anything else (spaces, quotes, parentheses, angle brackets,
# backslashes, backticks, non-ASCII) is percent-encoded, which leaves the address the same for a browser.
_URL_SAFE = "/:?#[]@!$&*+,;=-._~%"


def markdown_text(text: str) -> str:
    """`text` on one line, shown literally by any Markdown renderer."""
    return " ".join(text.split()).translate(_ESCAPES)


def is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def link_destination(url: str) -> str:
    """An http(s) URL made safe inside `[text](...)` and in a table cell, still pointing at the same page."""
    return quote(url, safe=_URL_SAFE)


def markdown_link(url: str, text: str) -> str:
    """A link for a web address; anything else (a seed's `seed://` address, `javascript:`) stays text."""
    if is_web_url(url):
        return f"[{markdown_text(text)}]({link_destination(url)})"
    return f"{markdown_text(text)} ({markdown_text(url)})"
