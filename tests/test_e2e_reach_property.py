"""End to end, generated: what a client reaches besides its constructor (issue 12, SPEC guarantee 1).

Where tests/test_e2e_property.py draws the client itself, this test draws what happens around it: a client-level
deployment as a literal, a constant, a name bound once, an environment read, `os.getenv` of an unset variable
(None), `self.<attr>` set once or twice, a base_url that ignores `azure_deployment` or names the deployment in its
path, or a name rebound after the client (a for loop, a reassignment, `+=`, `:=`, `del`, `global`, `nonlocal`, a
parameter that shadows it where the requests are made); copies (`copy()` / `with_options()`, through names and
chains, copies of copies) with their own `api_version`, `default_query`, token provider or token; requests through
the client, its copies and chains; and reads of AzureOpenAI's private attributes or of `base_url`. The client lives
in a module variable, a function local or `self.client`, sync or async.

The property is the one of tests/test_e2e_property.py: every request of the migrated program is the original's,
on the v1 route or, when the tool left the client on the dated API, unchanged and with a finding that needs a
person; the output compiles, prints the same, and a second migration changes nothing.

AOAI_E2E_REACH_EXAMPLES sets the number of examples (default 8; each runs two programs and two migrations).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from tests.azure_server import AzureServer
from tests.test_e2e import CHAT, DEPLOYMENTS, EMBED, EMBEDDING, assert_no_secrets, deployment_env, describe
from tests.test_e2e_property import azure, compared, migrate_in_place, run_on, write  # noqa: F401 - azure: fixture

EXAMPLES = int(os.environ.get("AOAI_E2E_REACH_EXAMPLES", "8"))
CHAT_DEPLOYMENTS = tuple(sorted(DEPLOYMENTS - {EMBEDDING}))
OTHER = "gpt-4o-staging"  # what a rebinding assigns: a real deployment, so a wrong rewrite still gets 200
VERSIONS = ("2024-06-01", "2024-10-21", "2025-03-01-preview")
KEY, TOKEN = "api-key", "bearer-token"
REBINDINGS = ("rebound_for", "rebound_reassign", "rebound_augmented", "rebound_walrus", "rebound_del")
FORMS = {
    "module": ("literal", "constant", "name_once", "environ", "getenv_unset", "base_url_ignored", "base_url_path",
               *REBINDINGS, "rebound_global", "shadow_param"),
    "function": ("literal", "name_once", "environ", "getenv_unset", "base_url_ignored", "base_url_path",
                 *REBINDINGS, "rebound_nonlocal"),
    "attribute": ("literal", "constant", "environ", "self_once", "self_twice", "base_url_ignored", "base_url_path"),
}
COPY_ARGS = ("api_version", "timeout", "default_query", "provider", "token")
PRIVATE = (None, None, None, None, "_api_version", "_azure_endpoint", "_azure_deployment", "base_url")  # half the draws


@dataclass(frozen=True)
class Copy:
    method: str  # copy | with_options
    args: tuple[str, ...]  # COPY_ARGS, at most one credential
    source: int  # -1: the client, else an earlier copy


@dataclass(frozen=True)
class Req:
    kind: str  # CHAT or EMBED
    model: str
    through: int  # -1: the client, else a copy
    chained: bool  # <client or copy>.with_options(timeout=9.0).<resource>.create(...)


@dataclass(frozen=True)
class ReachProgram:
    is_async: bool
    storage: str  # module | function | attribute
    entra: bool  # the client authenticates with a token provider instead of the key
    deployment: str | None
    form: str  # FORMS[storage]
    copies: tuple[Copy, ...]
    requests: tuple[Req, ...]
    private: str | None

    @property
    def effective(self) -> str | None:
        """The deployment Azure routed deployment-route requests to, whatever model= said."""
        if self.deployment is None or self.form in ("base_url_ignored", "getenv_unset"):
            return None
        return self.deployment

    def auth_of(self, through: int) -> str:
        while through >= 0:
            copy = self.copies[through]
            if "provider" in copy.args or "token" in copy.args:
                return TOKEN
            through = copy.source
        return TOKEN if self.entra else KEY

    def expected(self) -> list[tuple[str, str, str]]:
        return [(r.kind, self.effective or r.model, self.auth_of(r.through)) for r in self.requests]


@st.composite
def reach_programs(draw: st.DrawFn) -> ReachProgram:
    storage = draw(st.sampled_from(sorted(FORMS)))
    deployment = draw(st.one_of(st.none(), st.sampled_from(CHAT_DEPLOYMENTS)))
    form = draw(st.sampled_from(FORMS[storage])) if deployment else "literal"
    copies: list[Copy] = []
    for index in range(draw(st.integers(0, 3))):
        args = draw(st.lists(st.sampled_from(COPY_ARGS), max_size=3, unique=True))
        if "provider" in args and "token" in args:
            args.remove("token")
        method = draw(st.sampled_from(["copy", "with_options"]))
        copies.append(Copy(method, tuple(args), draw(st.integers(-1, index - 1))))
    effective = None if form in ("base_url_ignored", "getenv_unset") else deployment
    requests = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([CHAT, CHAT, EMBED]))
        model = "gpt-4o" if effective else (EMBEDDING if kind == EMBED else draw(st.sampled_from(CHAT_DEPLOYMENTS)))
        requests.append(Req(kind, model, draw(st.integers(-1, len(copies) - 1)), draw(st.booleans())))
    return ReachProgram(
        is_async=draw(st.booleans()), storage=storage, entra=draw(st.booleans()), deployment=deployment, form=form,
        copies=tuple(copies), requests=tuple(requests), private=draw(st.sampled_from(PRIVATE)),
    )


# Rendering.


def _indent(lines: list[str], levels: int = 1) -> list[str]:
    return [("    " * levels + line) if line else line for line in lines]


def _constructor(p: ReachProgram, client: str) -> tuple[list[str], list[str]]:
    """Lines before the client (binding the deployment), and the constructor."""
    cls = "AsyncAzureOpenAI" if p.is_async else "AzureOpenAI"
    endpoint = "os.environ['AZURE_OPENAI_ENDPOINT'].rstrip('/')"
    args = ['azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"]']
    pre: list[str] = []
    value = {"literal": f'"{p.deployment}"', "constant": "CLIENT_DEPLOYMENT", "environ": 'os.environ["E2E_DEPLOYMENT"]',
             "getenv_unset": 'os.getenv("E2E_UNSET_DEPLOYMENT")', "self_once": "self.deployment",
             "self_twice": "self.deployment"}.get(p.form, "deployment")
    if p.form in ("self_once", "self_twice"):
        pre.append(f'self.deployment = "{p.deployment}"')
    elif value == "deployment":
        pre.append(f'deployment = "{p.deployment}"')
    if p.form == "base_url_ignored":
        args = [f'base_url=f"{{{endpoint}}}/openai"']
        value = f'"{p.deployment}"'
    if p.form == "base_url_path":
        args = [f'base_url=f"{{{endpoint}}}/openai/deployments/{p.deployment}"']
    args.append("azure_ad_token_provider=token_provider" if p.entra else 'api_key=os.environ["AZURE_OPENAI_API_KEY"]')
    args.append('api_version="2024-10-21"')
    if p.deployment is not None and p.form != "base_url_path":
        args.append(f"azure_deployment={value}")
    return pre, [f"{client} = {cls}(", *(f"    {a}," for a in args), ")"]


def _rebinding(p: ReachProgram) -> list[str]:
    """Lines right after the client that give the deployment name another value."""
    return {
        "rebound_reassign": [f'deployment = "{OTHER}"'],
        "rebound_augmented": ['deployment += "-unused"'],
        "rebound_walrus": [f'if (deployment := "{OTHER}"):', "    print(deployment)"],
        "rebound_del": ["del deployment"],
        "rebound_global": ["use_other()"],
        "rebound_nonlocal": ["def use_other():", "    nonlocal deployment", f'    deployment = "{OTHER}"', "",
                             "use_other()"],
        "self_twice": [f'self.deployment = "{OTHER}"'],
    }.get(p.form, [])


def _uses(p: ReachProgram, client: str) -> list[str]:
    """Copies, requests and the private read, in order."""
    aw = "await " if p.is_async else ""
    lines: list[str] = []
    holders = [f"copy_{i}" for i in range(len(p.copies))]
    for index, copy in enumerate(p.copies):
        args = {"api_version": f'api_version="{VERSIONS[index % 3]}"', "timeout": "timeout=20.0",
                "default_query": f'default_query={{"api-version": "{VERSIONS[index % 3]}", "trace": "on"}}',
                "provider": "azure_ad_token_provider=token_provider",
                "token": 'azure_ad_token=os.environ["E2E_ENTRA_TOKEN"]'}
        source = client if copy.source < 0 else holders[copy.source]
        lines.append(f"{holders[index]} = {source}.{copy.method}({', '.join(args[a] for a in copy.args)})")
    for index, request in enumerate(p.requests):
        target = client if request.through < 0 else holders[request.through]
        if request.chained:
            target += ".with_options(timeout=9.0)"
        if request.kind == CHAT:
            message = f'[{{"role": "user", "content": "{index}"}}]'
            call = f'chat.completions.create(model="{request.model}", messages={message})'
            show = f"result_{index}.choices[0].message.content"
        else:
            call = f'embeddings.create(model="{request.model}", input="text {index}")'
            show = f"len(result_{index}.data)"
        lines += [f"result_{index} = {aw}{target}.{call}", f"print({show})"]
    if p.private is not None:
        lines.append(f"print(type({client}.{p.private}).__name__)")
    return lines


def render(p: ReachProgram) -> str:
    define, aw = ("async def", "await ") if p.is_async else ("def", "")
    run = "asyncio.run({})" if p.is_async else "{}"
    head = ["import asyncio"] if p.is_async else []
    head += ["import os", "", f"from openai import {'AsyncAzureOpenAI' if p.is_async else 'AzureOpenAI'}", "", ""]
    head += ["def token_provider() -> str:", '    return os.environ["E2E_ENTRA_TOKEN"]', "", ""]
    if p.form == "constant":
        head += [f'CLIENT_DEPLOYMENT = "{p.deployment}"', "", ""]
    if p.form == "rebound_global":
        head += ["def use_other() -> None:", "    global deployment", f'    deployment = "{OTHER}"', "", ""]
    client = "self.client" if p.storage == "attribute" else "client"
    pre, ctor = _constructor(p, client)
    uses = _uses(p, client)
    if p.form == "rebound_for":
        uses = [f'for deployment in ("{OTHER}",):', *_indent(uses)]
    closing = [f"{aw}{client}.close()"] if p.is_async else []
    if p.storage == "attribute":
        init = [*pre, *ctor] if p.form != "self_twice" else [*pre, *ctor, *_rebinding(p)]
        body = ["class App:", "    def __init__(self) -> None:", *_indent(init, 2), "",
                f"    {define} run(self) -> None:", *_indent([*uses, *closing], 2), "", "",
                run.format("App().run()")]
    elif p.storage == "function":
        inner = [*pre, *ctor, *_rebinding(p), *uses, *closing]
        body = [f"{define} main() -> None:", *_indent(inner), "", "", run.format("main()")]
    elif p.form == "shadow_param":
        body = [*pre, *ctor, "", "", f'{define} main(deployment: str = "{OTHER}") -> None:',
                *_indent([*uses, *closing]), "", "", run.format("main()")]
    elif p.is_async:
        body = [*pre, *ctor, *_rebinding(p), "", "", f"{define} main() -> None:", *_indent([*uses, *closing]), "", "",
                run.format("main()")]
    else:
        body = [*pre, *ctor, *_rebinding(p), *uses]
    return "\n".join([*head, *body]).rstrip("\n") + "\n"


# Running, migrating and comparing.


def check(p: ReachProgram, server: AzureServer, workdir: Path) -> None:
    source = render(p)
    note(f"program:\n{source}")
    env = deployment_env(server.endpoint, E2E_DEPLOYMENT=p.deployment or "unused")
    original, migrated = write(workdir / "before", source), write(workdir / "after", source)
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(run_on, server, original, env)
        migration = migrate_in_place(migrated)
        before = running.result()
    assert before.exit_code == 0, "generator flaw: the original fails\n" + describe(before)
    assert [(r.operation, r.deployment, r.auth) for r in before.requests] == p.expected(), before.requests
    assert all(r.api == "dated" and r.status == 200 for r in before.requests)

    note(f"migration exit {migration.exit_code}:\n{migration.output}\nmigrated:\n{migration.source}")
    assert_no_secrets(migration.output)
    assert migration.exit_code == (1 if migration.needs_person else 0), migration.output
    compile(migration.source, str(migrated), "exec")
    second = migrate_in_place(write(workdir / "again", migration.source))
    assert second.source == migration.source, "a second migration changed the file"

    after = run_on(server, migrated, env)
    note(f"migrated run: {describe(after)}\nrequests: {after.requests}")
    assert after.exit_code == 0, "the migrated program fails"
    assert after.stdout == before.stdout
    assert [compared(r) for r in after.requests] == [compared(r) for r in before.requests]
    v1_auth = {KEY: "bearer-key", TOKEN: TOKEN}
    for old, new in zip(before.requests, after.requests, strict=True):
        if new.api == "v1":
            assert "api-version" not in new.query and new.auth == v1_auth[old.auth], new
        else:
            assert (new.path, new.query, new.auth) == (old.path, old.query, old.auth), new
    if all(r.api == "v1" for r in after.requests):
        event("migrated to v1")
    else:
        reasons = sorted({f["code"] for f in migration.needs_person if f["code"].startswith("AOAI1")})
        event(f"left on the dated API: {', '.join(reasons)}")
        assert reasons, "a client was left on the dated API without a finding that says why"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=reach_programs())
def test_generated_reach_program_sends_the_same_requests(program: ReachProgram, azure: AzureServer) -> None:  # noqa: F811
    with tempfile.TemporaryDirectory(prefix="aoai-reach-") as folder:
        check(program, azure, Path(folder))


@settings(max_examples=300, deadline=None)
@given(program=reach_programs())
def test_generated_reach_programs_are_valid_python(program: ReachProgram) -> None:
    compile(render(program), "app.py", "exec")
