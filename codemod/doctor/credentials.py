"""The credential the migrated code will use: `AZURE_OPENAI_API_KEY` when set, else Entra ID through
azure-identity (the optional `[entra]` extra). Tokens are fetched with a deadline, and never shown."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from codemod.doctor.checks import Check
from codemod.doctor.redact import redact

KEY_VARIABLE = "AZURE_OPENAI_API_KEY"
# The scope of Azure OpenAI data-plane tokens (v1 GA spec OAuth2 scope; reference/api_versions.json v1.auth).
DATA_PLANE_SCOPE = "https://cognitiveservices.azure.com/.default"
DEFAULT_FACTORY = "azure.identity:DefaultAzureCredential"
INSTALL_ENTRA = "pip install 'aoai-migrate[entra]'"


class CredentialError(Exception):
    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


@dataclass
class Credentials:
    kind: str  # "api-key" or "entra-id"
    secret: str | None  # the key or the token sent to the data plane; None when none could be had
    shown: str  # how the report names it (redacted)
    check: Check
    entra: Any = None  # the azure-identity credential, when one was built (ARM listing reuses it)


def load_factory(spec: str | None) -> Callable[[], Any]:
    """The callable that builds an Entra ID credential: `MODULE:ATTRIBUTE`, DefaultAzureCredential by default."""
    module_name, _, attribute = (spec or DEFAULT_FACTORY).partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if spec is None:
            raise CredentialError("Entra ID needs the azure-identity package, which is not installed.",
                                  f"{INSTALL_ENTRA}, or set {KEY_VARIABLE}.") from exc
        raise CredentialError(f"--credential-factory {spec}: cannot import {module_name}: {exc}.",
                              "Name an importable MODULE:CALLABLE.") from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise CredentialError(f"--credential-factory {spec}: {module_name} has no callable {attribute!r}.",
                              "Name an importable MODULE:CALLABLE.")
    return factory


def build_entra(spec: str | None) -> Any:
    factory = load_factory(spec)
    try:
        return factory()
    except Exception as exc:  # noqa: BLE001 - any credential constructor error is reported, not raised
        raise CredentialError(f"Building the Entra ID credential failed: {_first_line(exc)}",
                              "Check the azure-identity settings (AZURE_CLIENT_ID, AZURE_TENANT_ID, ...).") from exc


def fetch_token(credential: Any, scope: str, timeout: float) -> str:
    """`credential.get_token(scope).token`, giving up after `timeout` seconds (the attempt runs on)."""
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        try:
            outcome["token"] = credential.get_token(scope).token
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            outcome["error"] = exc

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout)
    if "token" in outcome:
        return str(outcome["token"])
    if "error" in outcome:
        raise CredentialError(f"No Entra ID token for {scope}: {_first_line(outcome['error'])}",
                              "Sign in (`az login`) or configure a managed identity or service principal.")
    raise CredentialError(f"No Entra ID token for {scope} within {timeout:g} s.",
                          "Check that the sign-in method azure-identity uses (Azure CLI, managed identity) works.")


def resolve(environ: Mapping[str, str], factory_spec: str | None, timeout: float, auth: str = "auto") -> Credentials:
    """`auth`: "key", "entra", or "auto" (the key when AZURE_OPENAI_API_KEY is set, else Entra ID)."""
    key = environ.get(KEY_VARIABLE, "").strip()
    if auth == "key" or (auth == "auto" and key):
        if not key:
            check = Check("credentials", "fail", f"--auth key, but {KEY_VARIABLE} is not set",
                          fix=f"Set {KEY_VARIABLE}, or use --auth entra.")
            return Credentials("api-key", None, "none", check)
        shown = f"API key {redact(key)} from {KEY_VARIABLE}"
        return Credentials("api-key", key, shown, Check("credentials", "pass", shown))
    try:
        entra = build_entra(factory_spec)
        token = fetch_token(entra, DATA_PLANE_SCOPE, timeout)
    except CredentialError as exc:
        summary = ("no Entra ID token was obtained" if auth == "entra"
                   else f"{KEY_VARIABLE} is not set and no Entra ID token was obtained")
        return Credentials("entra-id", None, "none", Check("credentials", "fail", summary, exc.reason, exc.fix))
    shown = f"Entra ID token from {type(entra).__name__}"
    return Credentials("entra-id", token, shown, Check("credentials", "pass", shown), entra)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
