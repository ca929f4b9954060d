"""URL canonicalization: one stable key per article, whatever link led to it."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

import courlan

# Mobile and AMP hosts serve the same article as the main host.
HOST_PREFIXES_TO_DROP = ("m.", "amp.", "mobile.")
AMP_PATH_SUFFIXES = ("/amp", "/amp/", ".amp")


def canonical_url(url: str) -> str:
    """Strip tracking parameters and fragments, lowercase the host, map AMP and mobile forms."""
    url = url.strip()
    try:
        normalized = courlan.normalize_url(url, strict=True, trailing_slash=False)
    except (ValueError, AttributeError):
        normalized = url
    parts = urlsplit(normalized)
    host = parts.netloc.lower()
    for prefix in HOST_PREFIXES_TO_DROP:
        if host.startswith(prefix):
            host = "www." + host[len(prefix) :]
            break
    path = parts.path
    for suffix in AMP_PATH_SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)]
            break
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith(("amp=", "outputType=amp")))
    return urlunsplit((parts.scheme.lower(), host, path or "/", query, ""))


def article_id(url: str) -> str:
    """The article key: sha256 of the canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
