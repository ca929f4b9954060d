"""URL canonicalization: one stable key per article, whatever link led to it."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

import courlan

# Mobile and AMP hosts serve the same article as the main host.
HOST_PREFIXES_TO_DROP = ("m.", "amp.", "mobile.")
AMP_PATH_SUFFIXES = ("/amp", "/amp/", ".amp", ".amp.html")
AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
# Tracking parameters courlan keeps; it already drops utm_*, fbclid, gclid and the like.
TRACKING_PARAMS = frozenset(
    {
        "ocid",
        "cmpid",
        "ref",
        "ref_src",
        "ref_url",
        "rss",
        "from",
        "src",
        "cid",
        "ito",
        "mc_cid",
        "mc_eid",
        "_ga",
        "igshid",
        "smid",
        "taid",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_campaign",
        "ns_source",
        "outputtype",
        "amp",
    }
)


def canonical_url(url: str) -> str:
    """Strip tracking parameters and fragments, lowercase the host, map AMP and mobile forms."""
    url = _unwrap_amp_cache(url.strip())
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
    if path.startswith("/amp/") and len(path) > len("/amp/"):
        path = path[len("/amp") :]
    path = path.replace("/amp_articleshow/", "/articleshow/")  # Times of India, Economic Times
    query = "&".join(q for q in parts.query.split("&") if q and q.split("=", 1)[0].lower() not in TRACKING_PARAMS)
    return urlunsplit((parts.scheme.lower(), host, path or "/", query, ""))


def _unwrap_amp_cache(url: str) -> str:
    """https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a -> https://www.example.com/a"""
    parts = urlsplit(url)
    if not (parts.hostname or "").endswith(AMP_CACHE_SUFFIX):
        return url
    segments = parts.path.split("/")
    # /c/s/<host>/<path> (https) or /c/<host>/<path> (http); /v/ and /i/ are the same for viewer and images
    if len(segments) > 3 and segments[1] in {"c", "v", "i"}:
        secure = segments[2] == "s"
        rest = "/".join(segments[3:] if secure else segments[2:])
        query = f"?{parts.query}" if parts.query else ""
        return f"{'https' if secure else 'http'}://{rest}{query}"
    return url


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", *HOST_PREFIXES_TO_DROP):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def same_site(a: str, b: str) -> bool:
    site_a, site_b = _site(a), _site(b)
    return bool(site_a) and (site_a == site_b or site_a.endswith("." + site_b) or site_b.endswith("." + site_a))


def choose_canonical(link_canonical: str, final_url: str, declared: str | None) -> str:
    """The article's URL: its rel=canonical when on the same site, else where redirects ended, else the link's.

    A canonical on another site is ignored: syndicated copies point at the original, and the copy is
    its own article (flagged as a duplicate), not the original under another name.
    """
    landed = canonical_url(final_url) if final_url else link_canonical
    if declared and declared.startswith(("http://", "https://")) and same_site(declared, landed):
        return canonical_url(declared)
    return landed


def article_id(url: str) -> str:
    """The article key: sha256 of the canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
