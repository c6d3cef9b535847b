"""Recognising hard-coded keys and tokens (AOAI305) and showing them only redacted."""

from __future__ import annotations

import re

# Words that mark a string as a placeholder in samples, not a real credential.
_PLACEHOLDER_MARKS = (
    "your", "xxx", "placeholder", "example", "changeme", "change-me", "change_me", "dummy", "fake",
    "sample", "replace", "insert", "todo", "redacted", "<", ">", "{", "}", "...", "…", "***",
)
_KNOWN_PREFIXES = ("sk-proj-", "sk-", "eyJ")  # OpenAI keys; a JWT (an Entra ID access token) starts with eyJ
_AZURE_KEY = re.compile(r"[0-9a-fA-F]{32}")  # the classic 32-hex-digit Azure OpenAI key
_TOKENISH = re.compile(r"[A-Za-z0-9+/=_\-.~]{20,}")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")  # `AZURE_OPENAI_API_KEY` is a variable name, not a key
# Model and deployment names ("text-embedding-3-small", "gpt-4o-2024-08-06") are short lower-case words and
# numbers joined by separators; no key or token format looks like that (keys are long runs of mixed case).
_NAME_LIKE = re.compile(r"[a-z0-9]{1,12}(?:[-_.][a-z0-9]{1,12})+")
# Runs of a word: a capital and lower-case letters, capitals not followed by lower case, lower case, digits.
_RUNS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_MAX_NAME = 48
_MIN_DISTINCT = 10
_TAIL = 4
_MIN_LENGTH_FOR_TAIL = 24


def looks_like_secret(literal: str) -> bool:
    """True when a string literal passed as a key or token looks like a real credential."""
    text = literal.strip()
    lowered = text.lower()
    if len(text) < 16 or any(ch.isspace() for ch in text) or any(m in lowered for m in _PLACEHOLDER_MARKS):
        return False
    if _AZURE_KEY.fullmatch(text):
        return True
    if _ENV_NAME.fullmatch(text) or not _TOKENISH.fullmatch(text):
        return False
    if text.startswith(_KNOWN_PREFIXES):
        return True
    if _NAME_LIKE.fullmatch(text) or _reads_as_words(text):
        return False
    has_letter = any(ch.isalpha() for ch in text)
    has_digit = any(ch.isdigit() for ch in text)
    return has_letter and has_digit and len(set(text)) >= _MIN_DISTINCT


def _reads_as_words(text: str) -> bool:
    """Names built of words (`AOAI_GPT4o_DEPLOYMENT`, `ContosoGpt4oProd2024`): runs of letters in one case and of
    digits that are long on average, and mostly words of three letters or more. A generated key switches case and
    class every character or two (random base62 or hex has runs of about 1-2 characters)."""
    runs = _RUNS.findall(text)
    if not runs or len(text) > _MAX_NAME:  # Azure's long keys (84 characters) are never taken for names
        return False
    letters = sum(len(run) for run in runs if len(run) >= 3 and run.isalpha())
    return sum(map(len, runs)) / len(runs) >= 3 and letters * 2 >= sum(map(len, runs))


def redact(secret: str) -> str:
    """`sk-…abcd`: a known non-secret prefix and, for long values, the last four characters."""
    prefix = next((p for p in _KNOWN_PREFIXES if secret.startswith(p)), "")
    tail = secret[-_TAIL:] if len(secret) >= _MIN_LENGTH_FOR_TAIL else ""
    return f"{prefix}…{tail}"


_QUOTED_LITERAL = re.compile(r"""(['"])([^'"\\\n]{16,})\1""")


def mask_secrets(text: str) -> str:
    """`text` (source lines, a diff) with every quoted literal that looks like a credential masked by `*`
    of the same length, its last four characters kept: columns and underlines stay aligned."""

    def mask(match: re.Match[str]) -> str:
        quote, body = match.group(1), match.group(2)
        if not looks_like_secret(body):
            return match.group(0)
        keep = _TAIL if len(body) >= _MIN_LENGTH_FOR_TAIL else 0
        return quote + "*" * (len(body) - keep) + body[len(body) - keep :] + quote

    return _QUOTED_LITERAL.sub(mask, text)
