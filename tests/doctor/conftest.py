"""Shared fixtures for the doctor tests: a clean environment, a network guard that refuses anything but
127.0.0.1, a small project to check, and a runner that asserts the key and tokens never reach the output."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from tests.doctor import stand_ins
from tests.doctor.servers import DoctorServer

API_KEY = "doctor-test-key-9c41e07b52d8"
SECRETS = (API_KEY, stand_ins.DATA_PLANE_TOKEN, stand_ins.ARM_TOKEN)
DEPLOYMENTS = {"gpt-4o-prod-01", "gpt-4o-mini-eu", "text-embedding-3-small"}
# The base model each deployment serves, as the listings report it.
MODEL_OF = {"gpt-4o-prod-01": "gpt-4o", "gpt-4o-mini-eu": "gpt-4o-mini",
            "text-embedding-3-small": "text-embedding-3-small"}
STAND_IN = "tests.doctor.stand_ins:StandInCredential"

APP = '''\
import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
reply = client.chat.completions.create(model="{chat}", messages=[{{"role": "user", "content": "Hi"}}])
vectors = client.embeddings.create(model="text-embedding-3-small", input="tea")
'''


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AZURE_", "OPENAI_", "AOAI_MIGRATE_")) or name in ("NO_COLOR", "FORCE_COLOR"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection or name lookup for a host other than 127.0.0.1 fails the test."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else str(address)
            assert ipaddress.ip_address(host).is_loopback, f"a test tried to connect to {address!r}"
        return real_connect(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object):
        assert host in ("localhost", None) or _is_address(host), f"a test tried to resolve {host!r}"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_address(host: object) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host))
    except ValueError:
        return False
    return True


@pytest.fixture
def server() -> Iterator[DoctorServer]:
    """A resource that lists its deployments on the data plane; set `server.listing_refusal = 404` (or 400,
    401, 403) to make doctor fall back to probes."""
    with DoctorServer(deployments=set(DEPLOYMENTS), api_keys={API_KEY}, tokens={stand_ins.DATA_PLANE_TOKEN},
                      arm_tokens={stand_ins.ARM_TOKEN}, model_of=dict(MODEL_OF)) as running:
        yield running


def write_app(folder: Path, chat: str = "gpt-4o-prod-01") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(APP.format(chat=chat), encoding="utf-8")
    return folder


def run_doctor(args: list[str], env: dict[str, str] | None = None) -> Outcome:
    """`aoai-migrate doctor ARGS` in process; fails the test if a secret appears in stdout or stderr."""
    result = CliRunner().invoke(main, ["doctor", *args], env=env, catch_exceptions=False)
    outcome = Outcome(result.exit_code, result.stdout, result.stderr)
    assert_no_secret(outcome.stdout + outcome.stderr)
    return outcome


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, "a key or token reached the output"


def key_env(server: DoctorServer, **extra: str) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": server.endpoint, "AZURE_OPENAI_API_KEY": API_KEY, **extra}
