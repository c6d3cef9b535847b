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


def test_deployment_client_used_through_an_instance_attribute(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    """`assistant.client` outside the class is out of sight: the client stays on the dated API, reported."""
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


def test_api_version_query_through_an_instance_attribute(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    """A request through the instance's attribute outside the class: the client is out of sight, so it stays."""
    source = program('''
        import os

        from openai import AzureOpenAI


        class Assistant:
            def __init__(self):
                self.client = AzureOpenAI(
                    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
                    api_key=os.environ["AZURE_OPENAI_API_KEY"],
                    api_version="2024-10-21",
                )


        assistant = Assistant()
        reply = assistant.client.chat.completions.create(
            model="gpt-4o-prod-01",
            messages=[{"role": "user", "content": "x"}],
            extra_query={"api-version": "2024-10-21"},
        )
        print(reply.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)


def test_request_params_with_api_version_through_an_instance_attribute(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    """The same through **params holding an extra_query with api-version: the client stays, reported."""
    source = program('''
        import os

        from openai import AzureOpenAI


        class Assistant:
            def __init__(self):
                self.client = AzureOpenAI(
                    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
                    api_key=os.environ["AZURE_OPENAI_API_KEY"],
                    api_version="2024-10-21",
                )


        assistant = Assistant()
        params = {
            "model": "gpt-4o-prod-01",
            "messages": [{"role": "user", "content": "Hi"}],
            "extra_query": {"api-version": "2024-10-21"},
        }
        reply = assistant.client.chat.completions.create(**params)
        print(reply.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)


def test_deployment_client_on_self_of_a_class_with_an_imported_base(tmp_path: Path) -> None:
    """A base class from another module may make requests through self.client: the client stays, reported."""
    source = program('''
        import os

        from openai import AzureOpenAI

        from llm_base import ChatModel


        class AzureChatModel(ChatModel):
            def __init__(self, settings):
                super().__init__(settings)
                self.client = AzureOpenAI(
                    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
                    api_key=os.environ["AZURE_OPENAI_API_KEY"],
                    api_version="2024-10-21",
                    azure_deployment=settings.deployment_name,
                )
    ''')
    (tmp_path / "llm_base.py").write_text(program('''
        class ChatModel:
            def __init__(self, settings):
                self.settings = settings

            def ask(self, question):
                messages = [{"role": "user", "content": question}]
                return self.client.chat.completions.create(model=self.settings.model_name, messages=messages)
    '''), encoding="utf-8")
    findings = findings_of(source, tmp_path)
    migrated = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert "azure_deployment=settings.deployment_name" in migrated or "AOAI105" in dict(findings), migrated


def test_key_from_an_unset_variable(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    """api_key=None made AzureOpenAI read AZURE_OPENAI_API_KEY: the migrated client reads it too, not OPENAI_API_KEY."""
    source = program('''
        import os

        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.getenv("MY_OPENAI_KEY"),
            api_version="2024-10-21",
        )
        reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "x"}])
        print(reply.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)


REBINDINGS_LIBCST_MISSES = {
    # a walrus in a comprehension binds the name in the enclosing scope (PEP 572)
    "walrus_in_comprehension": '[(deployment := name) for name in ["gpt-4o-staging"]]',
    # a capture pattern binds the name
    "match_capture": 'match "gpt-4o-staging":\n    case deployment:\n        pass',
}


@pytest.mark.parametrize("rebinding", sorted(REBINDINGS_LIBCST_MISSES))
def test_deployment_name_rebound_by_a_comprehension_walrus_or_a_match_capture(
    rebinding: str, azure: AzureServer, tmp_path: Path  # noqa: F811
) -> None:
    """Bindings LibCST's scopes do not see are counted (codemod/engine/bindings.py): the client stays, reported."""
    source = program('''
        import os

        from openai import AzureOpenAI

        deployment = "gpt-4o-prod-01"
        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
            azure_deployment=deployment,
        )
    ''') + REBINDINGS_LIBCST_MISSES[rebinding] + "\n" + program('''
        reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
        print(reply.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)


# 2. Crashes.


def test_endpoint_from_an_unset_variable(azure: AzureServer, tmp_path: Path) -> None:  # noqa: F811
    """azure_endpoint=None made AzureOpenAI read AZURE_OPENAI_ENDPOINT: the migrated base_url reads it too."""
    source = program('''
        import os

        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.getenv("MY_OPENAI_ENDPOINT"),
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
        )
        reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "x"}])
        print(reply.choices[0].message.content)
    ''')
    assert_same_requests_or_reported(source, azure, tmp_path)


def test_openai_0x_module_settings_are_reported_not_rewritten(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai==0.28.1\n", encoding="utf-8")
    source = program('''
        import os

        import openai

        openai.api_type = "azure"
        openai.api_base = os.environ["AZURE_OPENAI_ENDPOINT"]
        openai.api_version = "2023-05-15"
        openai.api_key = os.environ["AZURE_OPENAI_API_KEY"]
    ''')
    findings = findings_of(source, tmp_path, "settings.py")
    assert (tmp_path / "settings.py").read_text(encoding="utf-8") == source
    assert "AOAI107" in dict(findings), findings


# 3. Silent skips.


def test_a_second_api_type_is_not_left_in_silence(tmp_path: Path) -> None:
    source = program('''
        import os

        import openai

        openai.api_type = "azure"
        openai.azure_endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
        openai.api_version = "2024-10-21"
        if os.getenv("USE_ENTRA_TOKEN"):
            openai.api_type = "azure_ad"
            openai.api_key = os.environ["ENTRA_TOKEN"]
    ''')
    findings = findings_of(source, tmp_path)
    migrated = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert migrated == source or 9 in [line for _, line in findings], migrated


def test_a_rest_call_to_the_dated_route_is_not_left_in_silence(tmp_path: Path) -> None:
    """Code that calls the REST API itself (requests, httpx, or a test that mocks the route: NVIDIA/garak@cafbe99
    tests/generators/test_azure.py builds "openai/deployments/" + name + "/chat/completions?api-version=" for respx)
    stays on the dated API while the run says there is nothing to do. The `.http` kind moves or reports the same
    request lines; here at least a finding that needs a person, with the v1 URL."""
    source = program('''
        import os

        import requests

        endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
        url = f"{endpoint}/openai/deployments/gpt-4o/chat/completions?api-version=2024-02-01"
        reply = requests.post(url, headers={"api-key": os.environ["AZURE_OPENAI_API_KEY"]}, json={"messages": []})
    ''')
    route_line = next(n for n, text in enumerate(source.splitlines(), 1) if "/openai/deployments/" in text)
    assert ("AOAI102", route_line) in findings_of(source, tmp_path)


def test_a_langchain_completions_llm_is_flagged_like_client_completions(tmp_path: Path) -> None:
    """`langchain_openai.AzureOpenAI` (the completions LLM, e.g. gpt-35-turbo-instruct) becomes
    `langchain_openai.OpenAI`, which sends every request to `/completions`: not on the v1 API's GA list, so
    `client.completions.create(...)` of the openai package gets AOAI304 (check it by hand), while the LangChain
    class moves in silence (VinodNallavade/AgenticAI@d71d8ed lanchain/Models/LLMS/1_llm_demo.py)."""
    source = program('''
        import os

        from langchain_openai import AzureOpenAI

        llm = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
            azure_deployment="instruct-prod",
        )
        print(llm.invoke("Say hi"))
    ''')
    assert ("AOAI304", 5) in findings_of(source, tmp_path)


# 4. Noisy findings (they need a person, so the run exits 1, for nothing).


def test_preview_api_version_of_a_v1_client_is_kept(tmp_path: Path) -> None:
    source = program('''
        import os

        from openai import OpenAI

        client = OpenAI(
            base_url="https://contoso.openai.azure.com/openai/v1/",
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            default_query={"api-version": "preview"},
        )
    ''')
    findings_of(source, tmp_path)
    assert '"api-version": "preview"' in (tmp_path / "app.py").read_text(encoding="utf-8")


def test_no_aoai304_on_sdk_client_methods(tmp_path: Path) -> None:
    source = program('''
        import os

        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
        )
        if not client.is_closed():
            client.close()
    ''')
    assert findings_of(source, tmp_path) == []


def test_no_aoai201_on_params_whose_model_is_read_from_the_environment(tmp_path: Path) -> None:
    source = program('''
        import os

        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
        )
        params = {"model": os.environ["CHAT_DEPLOYMENT"], "messages": [{"role": "user", "content": "x"}]}
        client.chat.completions.create(**params)
    ''')
    assert findings_of(source, tmp_path) == []
