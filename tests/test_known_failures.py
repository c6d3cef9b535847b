"""Known failures: one minimal program per kind of mistake the tool still makes, each a strict xfail.

Found by the generated end-to-end hunt (tests/generated/hunt.py, the property of tests/test_e2e_property.py) and by
the real-code check (benchmarks/realcode.py); every program here is written in our own words. A test states what
the tool should do; it fails today, so it is marked `xfail(strict=True)`: the fix makes it pass, pytest then
reports XPASS as a failure, and whoever fixed it removes the marker (and the matching KNOWN_TOOL_BUGS entry of
tests/test_e2e_property.py, if any). Ordered by severity: behaviour changes, crashes, silent skips, noisy findings.

Programs about requests run against the loopback Azure resource before and after migration, with the property of
the generated test: each request is the same on the v1 route, or the client stays on the dated API with a finding
that needs a person.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.azure_server import AzureServer
from tests.test_e2e import assert_no_secrets, deployment_env, describe
from tests.test_e2e_property import azure, compared, migrate_in_place, run_on, write  # noqa: F401 - azure: fixture


def known(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def program(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def assert_same_requests_or_reported(source: str, server: AzureServer, folder: Path, **env: str) -> None:
    """The property of tests/test_e2e_property.py for one hand-written program."""
    environment = deployment_env(server.endpoint, **env)
    original, migrated = write(folder / "before", source), write(folder / "after", source)
    before = run_on(server, original, environment)
    assert before.exit_code == 0 and before.requests, "the original must work\n" + describe(before)
    assert all(r.api == "dated" and r.status == 200 for r in before.requests), before.requests
    migration = migrate_in_place(migrated)
    assert_no_secrets(migration.output)
    assert migration.exit_code == (1 if migration.needs_person else 0), migration.output
    after = run_on(server, migrated, environment)
    shown = f"\nmigrated:\n{migration.source}\n{migration.output}\n{describe(after)}"
    assert after.exit_code == 0, "the migrated program fails" + shown
    assert after.stdout == before.stdout, shown
    assert [compared(r) for r in after.requests] == [compared(r) for r in before.requests], shown
    kept = [r for r in after.requests if r.api != "v1"]
    if kept:
        assert any(f["code"].startswith("AOAI1") for f in migration.needs_person), "dated without a finding" + shown
    assert all("api-version" not in r.query for r in after.requests if r.api == "v1"), shown


def findings_of(source: str, folder: Path, name: str = "app.py") -> list[tuple[str, int]]:
    """(code, line) of each finding that needs a person, after one run on `source` written as `name`."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return [(f["code"], f["line"]) for f in migrate_in_place(path).needs_person]


# 1. Behaviour changes.


@known("azure_deployment is moved into the requests the class makes through self.client, but a request made "
       "through the instance's attribute outside the class keeps its own model= and goes to another deployment")
def test_deployment_client_used_through_an_instance_attribute(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    source = program('''
        import os

        from openai import AzureOpenAI


        class Assistant:
            def __init__(self):
                self.client = AzureOpenAI(
                    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
                    api_key=os.environ["AZURE_OPENAI_API_KEY"],
                    api_version="2024-10-21",
                    azure_deployment="gpt-4o-prod-01",
                )

            def ask(self, question):
                messages = [{"role": "user", "content": question}]
                return self.client.chat.completions.create(model="gpt-4o", messages=messages)


        assistant = Assistant()
        print(assistant.ask("inside").choices[0].message.content)
        outside = assistant.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
        print(outside.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)
