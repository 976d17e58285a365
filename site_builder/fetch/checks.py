"""Checks a response passes before its file is kept; each refusal is a reason for the fetch log.

In order: status 200; a declared media type (an HTML error page served for a CSV or a PDF is
refused); the bytes received equal Content-Length (a truncated body is refused); at least
``min_bytes``; the declared sha256, or the digest in the publisher's checksum file.
"""

from __future__ import annotations

import hashlib
import re

from site_builder.fetch.http import Fetched

_DIGEST = re.compile(r"\b([0-9a-fA-F]{64}|[0-9a-fA-F]{40})\b")


def media_type(header: str | None) -> str:
    """``text/csv; charset=utf-8`` -> ``text/csv``."""
    return (header or "").split(";", 1)[0].strip().lower()


def refusal(resp: Fetched, content_types: tuple[str, ...], min_bytes: int, sha256: str = "") -> str | None:
    """Why this response is not kept, or None when it passes every check."""
    if resp.status != 200:
        return f"HTTP {resp.status} {resp.phrase}".strip()
    got = media_type(resp.headers.get("content-type"))
    if got not in content_types:
        return f"got {got or 'no Content-Type'}, expected {' or '.join(content_types)}"
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) != resp.downloaded:
        return f"truncated body: got {resp.downloaded} of {length} bytes (Content-Length)"
    if len(resp.body) < min_bytes:
        return f"got {len(resp.body)} bytes, expected at least {min_bytes}"
    if sha256 and hashlib.sha256(resp.body).hexdigest() != sha256:
        return f"sha256 {hashlib.sha256(resp.body).hexdigest()} differs from the declared {sha256}"
    return None


def checksum_refusal(body: bytes, checksum_file: Fetched, algorithm: str) -> str | None:
    """Compare ``body`` with a publisher's checksum file (``<hex>  <name>``, sha1sum/sha256sum format)."""
    if checksum_file.status != 200:
        return f"checksum file {checksum_file.url}: HTTP {checksum_file.status} {checksum_file.phrase}".strip()
    m = _DIGEST.search(checksum_file.body.decode("ascii", errors="replace"))
    if not m or len(m.group(1)) != hashlib.new(algorithm).digest_size * 2:
        return f"checksum file {checksum_file.url} holds no {algorithm} digest"
    want, got = m.group(1).lower(), hashlib.new(algorithm, body).hexdigest()
    if want != got:
        return f"{algorithm} {got} differs from the publisher's checksum {want}"
    return None
