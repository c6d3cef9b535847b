"""Keys and tokens never reach the output: `redact` shows a secret as `abc…wxyz`, and `Scrubber` replaces
any secret that slipped into a message (an error text echoing a header, say) before anything is printed."""

from __future__ import annotations

from collections.abc import Iterable

SHOWN_PREFIX, SHOWN_SUFFIX = 3, 4
MIN_SHOWN_LENGTH = 16  # shorter secrets are masked entirely: seven known characters would be too many
MIN_SCRUBBED_LENGTH = 6  # replacing shorter strings everywhere would mangle ordinary words


def redact(secret: str) -> str:
    if len(secret) < MIN_SHOWN_LENGTH:
        return "…" * 3
    return f"{secret[:SHOWN_PREFIX]}…{secret[-SHOWN_SUFFIX:]}"


class Scrubber:
    """Remembers every secret the run used; `scrub(text)` redacts each wherever it appears."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret.strip()) >= MIN_SCRUBBED_LENGTH:
            self._secrets.add(secret.strip())

    def knows(self, text: str) -> bool:
        return text.strip() in self._secrets

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, redact(secret))
        return text
