"""Recorded HTTP interactions (VCR / pytest-recording cassettes, Azure SDK test-proxy recordings, HAR and
nock files): the api-versions in them are what a test replayed, not a setting anyone maintains, so the
configuration scan (AOAI307/AOAI308) skips them whole."""

from __future__ import annotations

import re
from pathlib import PurePath

# Folders that by convention hold recordings: `cassettes/`, `vcr_cassettes/`, `recordings/`, `test-recordings/`.
_RECORDING_FOLDER = re.compile(r"(?:^|[_.-])(?:cassettes?|recordings?|recorded)$", re.IGNORECASE)

# What a recorded interaction looks like, per recorder. Each signature is a set of patterns that all occur.
# A mapping key: `key:` opening a YAML line (or list item), or `"key":` anywhere in JSON.
_KEY = r"""(?m)(?:^[ \t]*(?:-[ \t]*)?'?{0}'?[ \t]*:|"{0}"\s*:)"""
_SIGNATURES: tuple[tuple[re.Pattern[str], ...], ...] = tuple(
    tuple(re.compile(p) for p in patterns)
    for patterns in (
        # vcrpy / pytest-recording / go-vcr (YAML or JSON): interactions -> request, response
        (_KEY.format("interactions"), _KEY.format("request"), _KEY.format("response")),
        # Ruby VCR and Betamax: http_interactions -> request, response
        (_KEY.format("http_interactions"), _KEY.format("request"), _KEY.format("response")),
        # Azure SDK test proxy: Entries -> RequestUri, ResponseBody
        (_KEY.format("Entries"), _KEY.format("RequestUri"), _KEY.format("(?:ResponseBody|StatusCode)")),
        # HAR (browser and proxy exports): log -> entries -> request, response
        (_KEY.format("entries"), _KEY.format("request"), _KEY.format("response"), r'"log"\s*:'),
        # nock recordings: scope, method, path, status, response
        (_KEY.format("scope"), _KEY.format("path"), _KEY.format("status"), _KEY.format("response")),
        # stubbed or replayed exchanges (WireMock mappings, the `responses` recorder): request or URL, response, status
        (_KEY.format("(?:request|url|urlPath|urlPattern)"), _KEY.format("response"), _KEY.format("status"),
         _KEY.format("(?:url|uri|urlPath|urlPattern)")),
    )
)
_HEAD = 64 * 1024  # the structure shows in the first interaction


def in_recording_folder(path: str | PurePath) -> bool:
    """True for a file below a folder that by convention holds recordings (`tests/cassettes/`)."""
    return any(_RECORDING_FOLDER.search(folder) for folder in PurePath(path).parts[:-1])


def is_recording(path: str | PurePath, text: str) -> bool:
    """True for a file in a recordings folder, or whose structure is a recorded interaction."""
    if in_recording_folder(path):
        return True
    head = text[:_HEAD]
    return any(all(p.search(head) for p in signature) for signature in _SIGNATURES)
