"""Bytes -> text for web pages: byte-order mark, then the HTTP charset, then <meta charset>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)",
    re.IGNORECASE,
)
# Browsers read these labels as their supersets (WHATWG Encoding Standard).
SUPERSETS = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "gb2312": "gb18030"}


def _known(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return SUPERSETS.get(label.strip().lower(), name)


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    header = HEADER_CHARSET.search(content_type or "")
    if header and (from_header := _known(header.group(1))):
        return from_header
    meta = META_CHARSET.search(body[:4096])
    return _known(meta.group(1).decode("ascii", errors="ignore")) if meta else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The text and the encoding used. A declared charset that fails to decode falls through to detection."""
    declared = declared_charset(body, content_type)
    if declared:
        try:
            return body.decode(declared).lstrip("\ufeff"), declared
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"
