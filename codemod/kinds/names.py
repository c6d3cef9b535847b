"""Which files each kind reads, by the file's name and its folder's name alone.

Kept apart from the kinds' rewrites (and their imports: packaging, the advisor's configuration scanner, the
notebook and doctest readers) because every walk asks it of every name it meets, and most runs never rewrite a
file of any kind."""

from __future__ import annotations

import re
from pathlib import PurePath

DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt")
DOCS_WALKED_BY_DEFAULT = (".md", ".rst")  # `.markdown` and `.txt` when named, or added by configuration
HTTP_SUFFIXES = (".http", ".rest")
LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml", ".bicep", ".bicepparam", ".tf", ".tfvars"})
DOCKERFILE_NAMES = ("Dockerfile", "Containerfile")
_ENV_SAMPLE = re.compile(  # in any case: `.env.EXAMPLE` is a sample too
    r"^(?:\.env(?:\.[\w-]+)*\.(?:example|sample|template|dist)|(?:example|sample|template)\.env)$", re.IGNORECASE
)


def is_requirements_file(path: PurePath) -> bool:
    """pip's requirement files by convention: `requirements*.txt`, pip-tools' `requirements*.in`, and the
    `.txt` / `.in` files of a `requirements/` folder."""
    if path.suffix not in (".txt", ".in"):
        return False
    return path.name.startswith("requirements") or path.parent.name == "requirements"


def is_pyproject(path: PurePath) -> bool:
    return path.name == "pyproject.toml"


def is_setup_cfg(path: PurePath) -> bool:
    return path.name == "setup.cfg"


def is_pipfile(path: PurePath) -> bool:
    return path.name == "Pipfile"


def is_lock_file(path: PurePath) -> bool:
    return path.name in LOCK_FILES


def is_document(path: PurePath) -> bool:
    return path.suffix.lower() in DOC_SUFFIXES and not is_requirements_file(path)


def is_python(path: PurePath) -> bool:
    return path.suffix == ".py"


def is_env_sample(path: PurePath) -> bool:
    """`.env.example`, `.env.sample`, `.env.template`, `.env.dist` (and `.env.local.example`...), `example.env`:
    never `.env` itself."""
    return _ENV_SAMPLE.match(path.name) is not None


def is_http_file(path: PurePath) -> bool:
    return path.suffix.lower() in HTTP_SUFFIXES


def is_config_file(path: PurePath) -> bool:
    """Settings and infrastructure files: `.env` files, Dockerfiles, YAML, JSON, TOML, Bicep, Terraform."""
    name = path.name
    if name in (".env", ".envrc") or name.startswith(".env.") or name.endswith(".env"):
        return True
    if name.startswith(DOCKERFILE_NAMES) or name.endswith(".dockerfile"):
        return True
    return path.suffix.lower() in CONFIG_SUFFIXES


def is_infrastructure(path: PurePath) -> bool:
    return is_config_file(PurePath(path.name)) and not is_env_sample(path)
