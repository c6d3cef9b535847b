"""One code host for all rollout tests: the repositories are only ever cloned, never pushed to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rollout.hosts import code_host, git_env


@pytest.fixture(scope="session")
def remotes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("code-host")
    return code_host(base, git_env(base))
