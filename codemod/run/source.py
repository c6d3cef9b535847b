"""Bytes <-> text for Python sources, keeping what must survive a rewrite: the PEP 263 encoding (cookie or
BOM) and the line endings (LibCST keeps them in the text; we only decode and re-encode)."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024  # larger .py files are almost certainly generated; reported and skipped


class SourceError(Exception):
    """A file that cannot be migrated as it is; the message says why, as a sentence."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8-sig" when the file starts with a BOM


def decode(data: bytes) -> Decoded:
    if len(data) > MAX_BYTES:
        raise SourceError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; skipped")
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes (binary data, not Python source); skipped")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot tell the file's encoding: {exc}") from exc
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode the file as {encoding}: {exc}") from exc


def encode(text: str, decoded: Decoded) -> bytes:
    return text.encode(decoded.encoding)
