"""Request body → JSON object, with limits on both the compressed and decompressed size.

A gzip bomb (a few KB that inflate to gigabytes) is stopped at ``max_document_bytes`` while
inflating, before the memory is spent.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

from collector.errors import Refused

# A NUL character written as JSON's \u0000 escape: preceded by an even number of backslashes
# (none included), so an escaped backslash followed by the text "u0000" does not count.
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


@dataclass(frozen=True)
class BodyLimits:
    max_body_bytes: int = 8 * 1024 * 1024
    max_document_bytes: int = 48 * 1024 * 1024


def inflate(body: bytes, limit: int) -> bytes:
    """The gzip body inflated, refusing anything that would exceed ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise Refused(400, "bad_gzip", f"badan permintaan bukan gzip yang sah: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise Refused(
            413, "document_too_large", f"dokumen melebihi {limit} bita setelah dekompresi"
        )
    if not inflater.eof:
        raise Refused(400, "bad_gzip", "gzip terpotong (truncated gzip stream)")
    return data


def decode_document(
    body: bytes, content_type: str, content_encoding: str, limits: BodyLimits
) -> dict[str, Any]:
    """The JSON object in the body; Refused (4xx) for anything else."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise Refused(415, "unsupported_media_type", "Content-Type harus application/json")
    if len(body) > limits.max_body_bytes:
        raise Refused(413, "body_too_large", f"badan melebihi {limits.max_body_bytes} bita")
    encoding = content_encoding.strip().lower()
    if encoding == "gzip":
        body = inflate(body, limits.max_document_bytes)
    elif encoding not in ("", "identity"):
        raise Refused(415, "unsupported_encoding", f"Content-Encoding {encoding!r} tidak didukung")
    if b"\\u0000" in body and _NUL_ESCAPE.search(body):
        # PostgreSQL text cannot hold NUL; refused on every database so both behave alike.
        raise Refused(422, "nul_character", "dokumen berisi karakter NUL (\\u0000) dalam teks")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refused(400, "malformed_json", f"JSON tidak sah: {exc}") from exc
    if not isinstance(document, dict):
        raise Refused(422, "schema_violation", "dokumen harus berupa objek JSON")
    return document
