"""A generated `Program` as source text: a dated-API program that runs against the loopback Azure resource."""

from __future__ import annotations

from tests.generated.space import COMPLETIONS, MODEL_NAMES, OTHER, Copy, Program, Request
from tests.test_e2e import API_KEY, CHAT, EMBED, RESPONSES

TEAM_HEADER = "x-team"  # sent through default_headers; the server is told to record it
DEPLOYMENT_VARIABLE = "E2E_CLIENT_DEPLOYMENT"  # read by programs whose azure_deployment comes from the environment
TOKEN = 'os.environ["E2E_ENTRA_TOKEN"]'  # what the programs' stand-in token providers return
SCOPE = '"https://cognitiveservices.azure.com/.default"'
# The name each deployment form binds (rebindings give it another value after the client is built).
BOUND_NAMES = {"variable": "deployment", "parameter": "deployment", "constant": "CLIENT_DEPLOYMENT",
               "self_attribute": "self.deployment"}


def _dict(items: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f'"{key}": "{value}"' for key, value in items) + "}"


def _indent(lines: list[str], levels: int = 1) -> list[str]:
    return [("    " * levels + line) if line else line for line in lines]


class _Source:
    """Builds the program text; module-level constants and functions are collected while the body is built."""

    def __init__(self, program: Program, endpoint: str) -> None:
        self.p, self.endpoint = program, endpoint
        self.constants: dict[str, str] = {}  # module-level NAME -> expression, in order of first use
        self.functions: dict[str, list[str]] = {}  # module-level functions by name
        self.imports: list[str] = []  # third-party imports besides openai
        self.typing: set[str] = set()

    def constant(self, name: str, expression: str) -> str:
        self.constants.setdefault(name, expression)
        return name

    def class_import(self) -> tuple[str, str]:
        """The import statement(s) and the expression naming the client class."""
        name = "AsyncAzureOpenAI" if self.p.is_async else "AzureOpenAI"
        plain = "AsyncOpenAI" if self.p.is_async else "OpenAI"
        also = f", {plain}" if self.p.needs_plain_class else ""
        lib = f"from openai.lib.azure import {name}" + (f"\nfrom openai import {plain}" if also else "")
        return {
            "from": (f"from openai import {name}{also}", name),
            "from_alias": (f"from openai import {name} as Azure{also}", "Azure"),
            "module": ("import openai", f"openai.{name}"),
            "module_alias": ("import openai as oa", f"oa.{name}"),
            "lib_azure": (lib, name),
        }[self.p.import_style]

    def plain_class(self) -> str:
        plain = "AsyncOpenAI" if self.p.is_async else "OpenAI"
        return {"module": f"openai.{plain}", "module_alias": f"oa.{plain}"}.get(self.p.import_style, plain)

    def annotation(self, form: str) -> str:
        cls = self.class_import()[1]
        if form == "optional":
            self.typing.add("Optional")
            return f"Optional[{cls}]"
        if form == "union":
            self.typing.add("Union")
            return f"Union[{self.plain_class()}, {cls}]"
        return {"plain": cls, "pipe": f"{cls} | None", "string": f'"{cls}"'}[form]

    def endpoint_arg(self) -> tuple[str, str | None]:
        p, url = self.p, f"{self.endpoint}{self.p.slash}"
        from_env = "os.environ['AZURE_OPENAI_ENDPOINT'].rstrip('/')"
        if p.endpoint == "base_url_literal":  # at most one trailing slash: ".../openai//" is another path
            return "base_url", f'"{self.endpoint}/openai{p.slash[:1]}"'
        if p.endpoint == "base_url_fstring":
            return "base_url", f'f"{{{from_env}}}/openai{p.slash[:1]}"'
        if p.endpoint == "base_url_deployment":
            return "base_url", f'f"{{{from_env}}}/openai/deployments/{p.deployment}"'
        if p.endpoint == "literal":
            return "azure_endpoint", f'"{url}"'
        if p.endpoint == "constant":
            return "azure_endpoint", self.constant("AZURE_ENDPOINT", f'"{url}"')
        if p.endpoint == "fstring_constant":  # like f"https://{RESOURCE}.openai.azure.com/"
            host = self.constant("RESOURCE_HOST", f'"{self.endpoint.removeprefix("http://")}"')
            return "azure_endpoint", f'f"http://{{{host}}}{p.slash}"'
        if p.endpoint == "fstring_env":
            return "azure_endpoint", f"f\"http://{{os.environ['E2E_HOST']}}{p.slash}\""
        return "azure_endpoint", {
            "environ": 'os.environ["AZURE_OPENAI_ENDPOINT"]',
            "environ_get": 'os.environ.get("AZURE_OPENAI_ENDPOINT")',
            "environ_rstrip": 'os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/")',
            "getenv": 'os.getenv("AZURE_OPENAI_ENDPOINT")',
            "getenv_default": 'os.getenv("AZURE_OPENAI_ENDPOINT", "https://fallback.openai.azure.com/")',
            "getenv_unset": 'os.getenv("E2E_UNSET_ENDPOINT")',
            "omitted": None,
        }[p.endpoint]

    def credential_arg(self) -> tuple[str, str | None]:
        kind = self.p.credential
        if kind == "key_constant":
            return "api_key", self.constant("API_KEY", 'os.environ["AZURE_OPENAI_API_KEY"]')
        if kind == "provider_def":
            self.functions["token_provider"] = ["def token_provider() -> str:", f"    return {TOKEN}"]
        elif kind == "provider_async_def":
            self.functions["token_provider"] = ["async def token_provider() -> str:", f"    return {TOKEN}"]
        elif kind == "provider_factory":
            self.functions["make_token_provider"] = ["def make_token_provider():", f"    return lambda: {TOKEN}"]
        elif kind.startswith("identity"):
            package = "azure.identity.aio" if "aio" in kind else "azure.identity"
            self.imports.append(f"from {package} import DefaultAzureCredential, get_bearer_token_provider")
            provider = f"get_bearer_token_provider(DefaultAzureCredential(), {SCOPE})"
            if kind.endswith("variable"):
                provider = self.constant("TOKEN_PROVIDER", provider)
            return "azure_ad_token_provider", provider
        return {
            "key_environ": ("api_key", 'os.environ["AZURE_OPENAI_API_KEY"]'),
            "key_getenv": ("api_key", 'os.getenv("AZURE_OPENAI_API_KEY")'),
            "key_getenv_unset": ("api_key", 'os.getenv("E2E_UNSET_KEY")'),
            "key_literal": ("api_key", f'"{API_KEY}"'),
            "provider_def": ("azure_ad_token_provider", "token_provider"),
            "provider_async_def": ("azure_ad_token_provider", "token_provider"),
            "provider_lambda": ("azure_ad_token_provider", f"lambda: {TOKEN}"),
            "provider_factory": ("azure_ad_token_provider", "make_token_provider()"),
            "token_env": ("azure_ad_token", TOKEN),
            "omitted": ("api_key", None),
        }[kind]

    def version_arg(self) -> str | None:
        v = self.p.version
        if self.p.version_form == "constant":
            return self.constant("API_VERSION", f'"{v}"')
        return {
            "literal": f'"{v}"',
            "environ": 'os.environ["OPENAI_API_VERSION"]',
            "getenv_default": f'os.getenv("OPENAI_API_VERSION", "{v}")',
            "omitted": None,
        }[self.p.version_form]

    def deployment_arg(self) -> tuple[list[str], str | None]:
        """Lines binding the deployment before the client, and the azure_deployment= value."""
        p = self.p
        if p.deployment is None or p.endpoint == "base_url_deployment":  # there the deployment is in the URL
            return [], None
        if p.deployment_form == "constant":
            self.constant("CLIENT_DEPLOYMENT", f'"{p.deployment}"')
        setup = {"variable": [f'deployment = "{p.deployment}"'],
                 "self_attribute": [f'self.deployment = "{p.deployment}"']}.get(p.deployment_form, [])
        return setup, {
            "literal": f'"{p.deployment}"',
            "environ": f'os.environ["{DEPLOYMENT_VARIABLE}"]',
            "getenv_unset": 'os.getenv("E2E_UNSET_DEPLOYMENT")',
        }.get(p.deployment_form, BOUND_NAMES.get(p.deployment_form))

    def constructor(self) -> tuple[list[str], list[str]]:
        """Lines to run first (the deployment's binding, a settings dict) and the lines of the constructor call."""
        p = self.p
        setup, deployment = self.deployment_arg()
        args: list[tuple[str, str | None]] = [
            self.endpoint_arg(),
            self.credential_arg(),
            *((name, "None") for name in p.nones),
            ("api_version", self.version_arg()),
            ("azure_deployment", deployment),
        ]
        if p.default_query is not None:
            query = _dict(p.default_query)
            args.append(("default_query", self.constant("DEFAULT_QUERY", query) if p.default_query_constant else query))
        if p.default_headers:
            args.append(("default_headers", _dict(((TEAM_HEADER.title(), "search"),))))
        if p.tuning:
            args += [("timeout", "30.0"), ("max_retries", "1")]
        call = self.class_import()[1]
        given = [(name, value) for name, value in args if value is not None]
        if p.settings_dict:
            setup += ["settings = {", *(f'    "{name}": {value},' for name, value in given), "}"]
            return setup, [f"{call}(**settings)"]
        return setup, [f"{call}(", *(f"    {name}={value}," for name, value in given), ")"]

    def rebinding(self) -> list[str]:
        """Lines right after the client (in its scope) that give the deployment's name another value."""
        p = self.p
        name = BOUND_NAMES.get(p.deployment_form, "")
        if p.rebinding == "global":
            self.functions["use_other"] = ["def use_other() -> None:", f"    global {name}", f'    {name} = "{OTHER}"']
            return ["use_other()"]
        return {
            "reassign": [f'{name} = "{OTHER}"'],
            "augmented": [f'{name} += "-unused"'],
            "walrus": [f'if ({name} := "{OTHER}"):', f"    print({name})"],
            "walrus_comprehension": [f'print([({name} := value) for value in ("{OTHER}",)])'],
            "match": [f'match "{OTHER}":', f"    case {name}:", f"        print({name})"],
            "del": [f"del {name}"],
            "nonlocal": ["def use_other() -> None:", f"    nonlocal {name}", f'    {name} = "{OTHER}"', "",
                         "use_other()"],
        }.get(p.rebinding, [])

    def assign(self, target: str) -> list[str]:
        setup, call = self.constructor()
        annotation = f": {self.annotation(self.p.annotation)}" if self.p.annotation != "none" else ""
        lines = [*setup, f"{target}{annotation} = {call[0]}", *call[1:]]
        if self.p.fallback_openai:
            lines = ['if os.getenv("AZURE_OPENAI_ENDPOINT"):', *_indent(lines), "else:",
                     f"    {target} = {self.plain_class()}()"]
        return lines + self.rebinding()

    def second(self) -> list[str]:
        """A second Azure client, with key auth, and the one embeddings request made through it."""
        if self.p.second_client == "none":
            return []
        aw = "await " if self.p.is_async else ""
        deployment = ['    azure_deployment="text-embedding-3-small",'] if self.p.second_client == "deployment" else []
        model = "text-embedding-ada-002" if deployment else "text-embedding-3-small"  # Azure ignored it then
        return [
            f"embedder = {self.class_import()[1]}(",
            '    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],',
            '    api_key=os.environ["AZURE_OPENAI_API_KEY"],',
            '    api_version="2024-10-21",',
            *deployment,
            ")",
            f'vectors = {aw}embedder.embeddings.create(model="{model}", input="Second client.")',
            "print(len(vectors.data[0].embedding))",
            *([f"{aw}embedder.close()"] if self.p.is_async else []),
        ]

    def open_with(self) -> list[str]:
        setup, call = self.constructor()
        opener = "async with" if self.p.is_async else "with"
        if len(call) == 1:
            return [*setup, f"{opener} {call[0]} as client:"]
        return [*setup, f"{opener} {call[0]}", *call[1:-1], f"{call[-1]} as client:"]

    def copy(self, index: int, copy: Copy, client: str) -> str:
        source = client if copy.source < 0 else f"copy_{copy.source}"
        query = [("api-version", copy.version)] if "query_version" in copy.args else []
        query += [("trace", "on")] if "query_trace" in copy.args else []
        args = [f'api_version="{copy.version}"'] if "api_version" in copy.args else []
        args += ["timeout=20.0"] if "timeout" in copy.args else []
        args += [f"default_query={_dict(tuple(query))}"] if query else []
        if copy.credential == "provider":
            self.functions["copy_token_provider"] = ["def copy_token_provider() -> str:", f"    return {TOKEN}"]
        args += [{"provider": "azure_ad_token_provider=copy_token_provider", "token": f"azure_ad_token={TOKEN}",
                  "key": 'api_key=os.environ["AZURE_OPENAI_API_KEY"]'}[copy.credential]] if copy.credential else []
        return f"copy_{index} = {source}.{copy.method}({', '.join(args)})"

    def request(self, client: str, index: int, request: Request) -> list[str]:
        aw = "await " if self.p.is_async else ""
        lines: list[str] = []
        model = f'"{request.model}"'
        if request.model_form == "constant":
            model = self.constant(f"DEPLOYMENT_{MODEL_NAMES.index(request.model)}", model)
        elif request.model_form == "variable":
            lines.append(f"model_{index} = {model}")
            model = f"model_{index}"
        args: list[tuple[str, str]] = [("model", model)]
        if request.kind == CHAT:
            args.append(("messages", f'[{{"role": "user", "content": "Question {index}?"}}]'))
            if request.options:
                args += [("temperature", "0.2"), ("max_tokens", "50")]
            if request.stream:
                args.append(("stream", "True"))
            method = "chat.completions.create"
        elif request.kind == COMPLETIONS:
            args.append(("prompt", f'"Say {index}."'))
            if request.options:
                args.append(("max_tokens", "20"))
            method = "completions.create"
        elif request.kind == EMBED:
            args.append(("input", f'["a {index}", "b"]' if request.options else f'"Text number {index}."'))
            method = "embeddings.create"
        else:
            args.append(("input", f'"Question {index}?"'))
            if request.options:
                args += [("instructions", '"Be brief."'), ("max_output_tokens", "60")]
            method = "responses.create"
        if request.extra_query is not None:
            query = _dict(request.extra_query)
            if request.query_constant:
                name = "_".join(key.upper().replace("-", "_") for key, _ in request.extra_query)
                query = self.constant(f"EXTRA_QUERY_{name}", query)
            args.append(("extra_query", query))
        var = f"result_{index}"
        client = client if request.through < 0 else f"copy_{request.through}"
        target = f"{client}.with_options(timeout=20.0)" if request.via == "with_options" else client
        if request.via == "derived":
            lines.append(f"derived_{index} = {client}.with_options(max_retries=0)")
            target = f"derived_{index}"
        if request.via == "raw":
            method = method.replace(".create", ".with_raw_response.create")
        if request.via == "kwargs":
            lines += [f"params_{index} = {{", *(f'    "{name}": {value},' for name, value in args), "}",
                      f"{var} = {aw}{target}.{method}(**params_{index})"]
        else:
            lines += [f"{var} = {aw}{target}.{method}(", *(f"    {name}={value}," for name, value in args), ")"]
        if request.via == "raw":
            lines.append(f"{var} = {var}.parse()")
        return lines + self.show(index, request)

    def show(self, index: int, request: Request) -> list[str]:
        var = f"result_{index}"
        if request.stream:
            return [
                f"parts_{index} = []",
                f"{'async for' if self.p.is_async else 'for'} chunk in {var}:",
                "    if chunk.choices and chunk.choices[0].delta.content:",
                f"        parts_{index}.append(chunk.choices[0].delta.content)",
                f'print("".join(parts_{index}))',
            ]
        return [{
            CHAT: f"print({var}.choices[0].message.content)",
            COMPLETIONS: f"print({var}.choices[0].text)",
            EMBED: f"print(len({var}.data), len({var}.data[0].embedding))",
            RESPONSES: f"print({var}.output_text)",
        }[request.kind]]

    def requests(self, client: str) -> list[str]:
        """Copies and requests, where the requests are made (a helper's body, or beside the client)."""
        p = self.p
        name = BOUND_NAMES.get(p.deployment_form, "")
        lines = [f'{name} = "{OTHER}"'] if p.rebinding == "in_requests" else []
        lines += [self.copy(index, copy, client) for index, copy in enumerate(p.copies)]
        lines += [line for index, r in enumerate(p.requests, 1) for line in self.request(client, index, r)]
        return [f'for {name} in ("{OTHER}",):', *_indent(lines)] if p.rebinding == "for" else lines

    def checks(self, client: str) -> list[str]:
        """An isinstance/issubclass check and a private attribute read, printed before the requests."""
        p, cls = self.p, self.class_import()[1]
        lines = [{
            "isinstance": f"print(isinstance({client}, {cls}))",
            "issubclass": f"print(issubclass(type({client}), {cls}))",
            "isinstance_tuple": f"print(isinstance({client}, ({self.plain_class()}, {cls})))",
        }[p.type_check]] if p.type_check != "none" else []
        if p.private is not None:
            lines.append({
                "attribute": f"print(type({client}.{p.private}).__name__)",
                "getattr_default": f'print(type(getattr({client}, "{p.private}", None)).__name__)',
                "hasattr": f'print(hasattr({client}, "{p.private}"))',
            }[p.private_form])
        return lines

    def body(self) -> list[str]:
        p = self.p
        define, aw = ("async def", "await ") if p.is_async else ("def", "")
        main = "asyncio.run({})" if p.is_async else "{}"
        if p.helper != "none":
            parameter = "client"
            if p.helper == "annotated":
                parameter += f": {self.annotation(p.annotation if p.annotation != 'none' else 'plain')}"
            if p.rebinding == "shadow_parameter":
                parameter += f', {BOUND_NAMES[p.deployment_form]}="{OTHER}"'
            requests = self.requests("client")
            self.functions["send_requests"] = [f"{define} send_requests({parameter}):", *_indent(requests)]

        def uses(client: str, close: bool = True) -> list[str]:
            lines = self.checks(client)
            lines += [f"{aw}send_requests({client})"] if p.helper != "none" else self.requests(client)
            return lines + ([f"{aw}{client}.close()"] if p.is_async and close else [])

        by_parameter = p.deployment is not None and p.deployment_form == "parameter"
        parameter, argument = ("deployment", f'"{p.deployment}"') if by_parameter else ("", "")
        if p.storage == "module" and not p.is_async:
            return [*self.assign("client"), *uses("client"), *self.second()]
        if p.storage in ("module", "module_function"):
            return [*self.assign("client"), "", "", f"{define} main():", *_indent([*uses("client"), *self.second()]),
                    "", "", main.format("main()")]
        if p.storage == "local":
            inner = [*self.assign("client"), *uses("client"), *self.second()]
            return [f"{define} main({parameter}):", *_indent(inner), "", "", main.format(f"main({argument})")]
        if p.storage == "factory":
            returns = f" -> {self.annotation(p.annotation)}" if p.annotation != "none" else ""
            factory = [f"def make_client({parameter}){returns}:", *_indent([*self.assign("client"), "return client"])]
            inner = [f"client = make_client({argument})", *uses("client")]
            return [*factory, "", "", f"{define} main():", *_indent(inner), "", "", main.format("main()")]
        if p.storage == "context":
            opened = [*self.open_with(), *_indent([*self.rebinding(), *uses("client", close=False)])]
            return [f"{define} main({parameter}):", *_indent(opened), "", "", main.format(f"main({argument})")]
        declared = [f"    client: {self.annotation(p.annotation)}", ""] if p.class_annotation else []
        signature = f"self, {parameter}" if parameter else "self"
        init = [f"    def __init__({signature}):", *_indent(self.assign("self.client"), 2)]
        if p.storage == "instance":  # the requests go through the instance's attribute, outside the class
            inner = [f"assistant = Assistant({argument})", *uses("assistant.client")]
            return ["class Assistant:", *declared, *init, "", "", f"{define} main():", *_indent(inner), "", "",
                    main.format("main()")]
        return ["class Assistant:", *declared, *init, "", f"    {define} run(self):", *_indent(uses("self.client"), 2),
                "", "", main.format(f"Assistant({argument}).run()")]

    def render(self) -> str:
        p = self.p
        body = self.body()
        import_line = self.class_import()[0]
        everything = "\n".join([*body, *(line for f in self.functions.values() for line in f),
                                *self.constants.values()])
        stdlib = [line for line, needed in (("import asyncio", p.is_async), ("import os", "os." in everything))
                  if needed]
        if self.typing:
            stdlib.append(f"from typing import {', '.join(sorted(self.typing))}")
        out = {"docstring": ['"""A generated dated-API program."""', ""], "none": [],
               "future": ['"""A generated dated-API program."""', "", "from __future__ import annotations", ""],
               }[p.header] + stdlib
        if stdlib and not import_line.startswith("import "):
            out.append("")
        out += [import_line, *self.imports, ""]
        if self.constants:
            out += [f"{name} = {expression}" for name, expression in self.constants.items()] + [""]
        for function in self.functions.values():
            out += ["", *function, ""]
        out += ["", *body]
        return "\n".join(out).rstrip("\n") + "\n"


def render(program: Program, endpoint: str) -> str:
    return _Source(program, endpoint).render()
