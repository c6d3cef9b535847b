"""Stand-ins for azure-identity credentials, named with `--credential-factory tests.doctor.stand_ins:NAME`:
the doctor tests need no azure-identity and no Azure sign-in."""

from __future__ import annotations

import time
from typing import NamedTuple

DATA_PLANE_TOKEN = "entra-data-plane-token-5f0c1e7a9b"
ARM_TOKEN = "entra-arm-token-2d8e6b4c1f"
SCOPES_ASKED: list[str] = []


class AccessToken(NamedTuple):
    token: str
    expires_on: int


class StandInCredential:
    """Hands out one token per audience, as DefaultAzureCredential would after `az login`."""

    def get_token(self, *scopes: str, **_: object) -> AccessToken:
        SCOPES_ASKED.extend(scopes)
        token = DATA_PLANE_TOKEN if scopes == ("https://cognitiveservices.azure.com/.default",) else ARM_TOKEN
        return AccessToken(token, int(time.time()) + 3600)


class FailingCredential:
    """A credential that cannot sign in (no `az login`, no managed identity)."""

    def get_token(self, *scopes: str, **_: object) -> AccessToken:
        raise RuntimeError("DefaultAzureCredential failed to retrieve a token from the included credentials.")


class HangingCredential:
    """A credential whose sign-in never finishes (an unreachable identity endpoint)."""

    def get_token(self, *scopes: str, **_: object) -> AccessToken:
        time.sleep(20)
        raise RuntimeError("unreachable")
