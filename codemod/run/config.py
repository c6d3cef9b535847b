"""`[tool.aoai-migrate]` in pyproject.toml: found above the paths (or given with --config), validated
strictly — an unknown key or a wrong type is an error that names the key and the file."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    extend_include: list[str] = field(default_factory=list)  # file globs the walk adds for the file kinds
    require_env: bool = False
    unsafe_fixes: bool = False
    deployment_prefix: str = "AZURE_OPENAI_DEPLOYMENT_"
    deployments: dict[str, str] = field(default_factory=dict)
    jobs: int | None = None
    output_format: str | None = None
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False


_LIST_KEYS = {"select", "ignore", "exclude", "extend-exclude", "extend-include"}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "require-env": bool,
    "unsafe-fixes": bool,
    "deployment-prefix": str,
    "deployments": dict,
    "jobs": int,
    "output-format": str,
    "exit-zero": bool,
    "exit-non-zero-on-fix": bool,
}


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None, explicit: bool = False) -> Config:
    """Read the configuration; `explicit` means the user named the file (then it must exist and parse)."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    table = data.get("tool", {}).get("aoai-migrate")
    if table is None:
        table = data if explicit and path.name != "pyproject.toml" else {}
    return _from_table(table, path)


def _from_table(table: dict[str, Any], path: Path) -> Config:
    config = Config(path=path)
    for key, value in table.items():
        where = f"[tool.aoai-migrate] {key} in {path}"
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of strings, not {_describe(value)}.")
            setattr(config, key.replace("-", "_"), list(value))
        elif key in _TYPES:
            expected = _TYPES[key]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ConfigError(f"{where} must be a {_type_name(expected)}, not {_describe(value)}.")
            if key == "deployments":
                value = _deployments(value, where)
            if key == "deployment-prefix" and not _ENV_NAME.match(value + "X"):
                raise ConfigError(f"{where} must start an environment variable name (letters, digits, _).")
            if key == "jobs" and value < 1:
                raise ConfigError(f"{where} must be at least 1.")
            setattr(config, key.replace("-", "_"), value)
        else:
            known = ", ".join(sorted(_LIST_KEYS | set(_TYPES)))
            raise ConfigError(f"unknown key {key!r} in [tool.aoai-migrate] of {path}; known keys: {known}.")
    if config.exit_zero and config.exit_non_zero_on_fix:
        raise ConfigError(f"[tool.aoai-migrate] in {path} sets both exit-zero and exit-non-zero-on-fix, which "
                          "contradict each other (one exits 0, the other 1 after a rewrite); keep one of them.")
    return config


def _deployments(value: dict[str, Any], where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for literal, name in value.items():
        if not isinstance(name, str):
            raise ConfigError(f"{where}: the variable for {literal!r} must be a string, not {_describe(name)}.")
        if not _ENV_NAME.match(name):
            raise ConfigError(
                f"{where}: {name!r} (for {literal!r}) is not a valid environment variable name "
                "(letters, digits and _, not starting with a digit)."
            )
        out[literal] = name
    names = list(out.values())
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{where}: {duplicates[0]} is given to two different deployment names.")
    return out


def _type_name(expected: type | tuple[type, ...]) -> str:
    return {bool: "boolean (true/false)", str: "string", dict: "table", int: "integer"}.get(expected, "value")  # type: ignore[call-overload]


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"
