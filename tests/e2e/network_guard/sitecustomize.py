"""Loaded at start-up by the LangChain end-to-end programs (on PYTHONPATH): no connection and no name lookup
leaves the loopback interface, so a program that would reach the network (tiktoken fetches its encodings on first
use) fails loudly. With E2E_FAKE_TIKTOKEN set, tiktoken's encodings are one small byte-level encoding made here,
and every model name tiktoken is asked for is written to stderr (the test compares them before and after)."""

import os
import socket
import sys

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _check(address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in LOOPBACK and not host.startswith("/"):
        raise ConnectionRefusedError(f"e2e network guard: no connection to {host} (only 127.0.0.1)")


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host is not None:
        _check((host.decode() if isinstance(host, bytes) else host,))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo

if os.environ.get("E2E_FAKE_TIKTOKEN"):
    import tiktoken

    _BYTES = tiktoken.Encoding(
        name="e2e-bytes", pat_str=r"\S+|\s+", mergeable_ranks={bytes([i]): i for i in range(256)}, special_tokens={}
    )

    def _encoding_for_model(model_name: str) -> tiktoken.Encoding:
        print(f"tiktoken model: {model_name}", file=sys.stderr)
        return _BYTES

    def _get_encoding(name: str) -> tiktoken.Encoding:
        print(f"tiktoken encoding: {name}", file=sys.stderr)
        return _BYTES

    tiktoken.encoding_for_model = _encoding_for_model
    tiktoken.get_encoding = _get_encoding
