"""The variant space of generated dated-API programs: what a program may hold, how hypothesis draws it, and which
requests its original run sends (the dated client's behaviour, read from the `openai` package's source:
reference/azure-openai.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from tests.test_e2e import CHAT, DEPLOYMENTS, EMBED, EMBEDDING, RESPONSES

COMPLETIONS = "completions"  # legacy text completions: a deployment route, like chat and embeddings
DEPLOYMENT_ROUTES = frozenset({CHAT, COMPLETIONS, EMBED})  # where azure_deployment wins over model=
CHAT_DEPLOYMENTS = tuple(sorted(DEPLOYMENTS - {EMBEDDING}))
# Strings a program may pass as model= where a client-level azure_deployment overrides it (Azure ignores them).
OVERRIDDEN_MODELS = ("gpt-4o", "gpt-35-turbo", *CHAT_DEPLOYMENTS, EMBEDDING)
MODEL_NAMES = tuple(sorted(set(OVERRIDDEN_MODELS)))  # DEPLOYMENT_<index> names a module constant
VERSIONS = ("2024-02-01", "2024-06-01", "2024-10-21", "2025-03-01-preview", "2025-04-01-preview")
RESPONSES_VERSIONS = ("2025-03-01-preview", "2025-04-01-preview")  # the dated Responses API needs these
OTHER = "gpt-4o-staging"  # what a rebinding assigns: a real deployment, so a wrong rewrite still gets 200
# An API key; key_getenv_unset reads a variable that is not set, so AzureOpenAI falls back to AZURE_OPENAI_API_KEY.
KEY_KINDS = ("key_environ", "key_getenv", "key_getenv_unset", "key_literal", "key_constant", "omitted")
# Token providers: a def, a lambda, a factory's result, azure.identity's get_bearer_token_provider (a stand-in
# package is written next to each program), inline or through a module variable; or a token.
TOKEN_KINDS = ("provider_def", "provider_lambda", "provider_factory", "identity_inline", "identity_variable",
               "token_env")
# Async providers (an async def, azure.identity.aio's): AzureOpenAI would not await them, so async clients only.
ASYNC_TOKEN_KINDS = ("provider_async_def", "identity_aio_inline", "identity_aio_variable")
CREDENTIAL_ARGS = ("api_key", "azure_ad_token", "azure_ad_token_provider")
# getenv_unset reads a variable that is not set: AzureOpenAI then reads AZURE_OPENAI_ENDPOINT, as when omitted.
ENDPOINTS = ("literal", "constant", "environ", "environ_get", "getenv", "getenv_default", "getenv_unset",
             "fstring_constant", "fstring_env", "environ_rstrip", "omitted")
# base_url= instead of azure_endpoint=: ".../openai" (the SDK ignores azure_deployment then and inserts
# /deployments/{model}) or ".../openai/deployments/D" (every deployment-route request goes to D).
BASE_URLS = ("base_url_literal", "base_url_fstring", "base_url_deployment")
# How azure_deployment= gets its value; getenv_unset reads a variable that is not set (None: no deployment).
DEPLOYMENT_FORMS = ("literal", "environ", "constant", "variable", "getenv_unset")
# What happens to the deployment's name after the client is built (the client keeps the value it was given):
# reassigned, `+=`, `:=` (also inside a comprehension, where it binds the enclosing scope's name), a match capture
# pattern, `del`, through `global` / `nonlocal` in a function, a for loop around the requests, a new binding where
# the requests are made, or a parameter of the helper that makes them.
REBINDINGS = ("reassign", "augmented", "walrus", "walrus_comprehension", "match", "del", "for", "global", "nonlocal",
              "in_requests", "shadow_parameter")
# Where the client lives: a module variable (requests beside it or in main()), a function local, a `with` block,
# `self.client` (requests in a method, or through the instance outside the class), or a factory's result.
STORAGES = ("module", "module_function", "local", "context", "attribute", "instance", "factory")
ANNOTATIONS = ("plain", "optional", "pipe", "string", "union")  # X, Optional[X], X | None, "X", Union[OpenAI, X]
TYPE_CHECKS = ("isinstance", "issubclass", "isinstance_tuple")  # ..., issubclass(type(c), X), (OpenAI, X)
# AzureOpenAI's private attributes (OpenAI has none of them), and base_url (its value changes with the migration).
PRIVATE_ATTRIBUTES = ("_api_version", "_azure_endpoint", "_azure_deployment", "_azure_ad_token_provider",
                      "_azure_ad_token", "base_url")
PRIVATE_FORMS = ("attribute", "getattr_default", "hasattr")
COPY_ARGS = ("api_version", "timeout", "query_version", "query_trace", "provider", "token", "key")
COPY_CREDENTIALS = ("provider", "token", "key")


@dataclass(frozen=True)
class Copy:
    """`copy_N = <source>.copy(...)` or `.with_options(...)`, made where the requests are made."""

    method: str  # copy | with_options
    args: tuple[str, ...]  # COPY_ARGS, at most one credential
    source: int  # -1: the client, else an earlier copy
    version: str  # the api_version / api-version it passes, valid for the program's requests

    @property
    def credential(self) -> str | None:
        return next((a for a in self.args if a in COPY_CREDENTIALS), None)


@dataclass(frozen=True)
class Request:
    kind: str  # CHAT, COMPLETIONS, EMBED or RESPONSES
    model: str  # the string the program passes as model=
    model_form: str  # literal | constant (module level) | variable (assigned just before the request)
    via: str  # direct | with_options (client.with_options(...).x.create) | derived (d = client.with_options(...),
    #           then d.x.create) | raw (x.with_raw_response.create) | kwargs (create(**params), params a dict literal)
    through: int  # -1: the client, else a copy (Program.copies)
    extra_query: tuple[tuple[str, str], ...] | None
    query_constant: bool  # extra_query=EXTRA_QUERY_n, a module-level dict
    stream: bool  # chat only
    options: bool  # a few more payload fields (temperature, max_tokens, instructions, a list input)


@dataclass(frozen=True)
class Program:
    is_async: bool
    import_style: str  # from | from_alias | module | module_alias | lib_azure
    endpoint: str  # ENDPOINTS or BASE_URLS
    slash: str  # trailing slashes of the endpoint (in the code, or in AZURE_OPENAI_ENDPOINT)
    credential: str  # KEY_KINDS, TOKEN_KINDS, ASYNC_TOKEN_KINDS
    nones: tuple[str, ...]  # other credential arguments passed explicitly as None
    version_form: str  # literal | constant | environ | getenv_default | omitted (OPENAI_API_VERSION)
    version: str
    deployment: str | None  # client-level azure_deployment (or the deployment in a base_url path)
    deployment_form: str  # DEPLOYMENT_FORMS, parameter (of the function or class building the client) or
    #                       self_attribute (self.deployment, set in __init__)
    rebinding: str  # none or REBINDINGS
    default_query: tuple[tuple[str, str], ...] | None
    default_query_constant: bool  # default_query=DEFAULT_QUERY, a module-level dict
    default_headers: bool
    settings_dict: bool  # the client is built as Cls(**settings), settings a dict literal just before
    annotation: str  # none or ANNOTATIONS: of the client's variable and the factory's return
    class_annotation: bool  # attribute storage: `client: <annotation>` in the class body
    type_check: str  # none or TYPE_CHECKS, printed before the requests
    private: str | None  # a PRIVATE_ATTRIBUTES read on the client (its type printed) before the requests
    private_form: str  # PRIVATE_FORMS
    tuning: bool  # timeout= and max_retries= on the client
    storage: str  # STORAGES
    header: str  # docstring | future (docstring + from __future__ import annotations) | none
    helper: str  # none | plain | annotated: the requests are made in a function taking the client as a parameter
    fallback_openai: bool  # if os.getenv("AZURE_OPENAI_ENDPOINT"): client = AzureOpenAI(...) else: OpenAI()
    second_client: str  # none | plain | deployment: a second Azure client (key auth) sends one embeddings request
    copies: tuple[Copy, ...]
    requests: tuple[Request, ...]

    @property
    def effective_deployment(self) -> str | None:
        """The deployment Azure routed deployment-route requests to, whatever model= said."""
        if self.deployment is None or self.deployment_form == "getenv_unset" or self.endpoint in BASE_URLS[:2]:
            return None
        return self.deployment

    @property
    def entra(self) -> bool:
        return self.credential not in KEY_KINDS

    @property
    def needs_plain_class(self) -> bool:
        """OpenAI / AsyncOpenAI is imported too (the fallback, a mixed Union, a tuple in isinstance)."""
        return self.fallback_openai or self.annotation == "union" or self.type_check == "isinstance_tuple"

    def auth_of(self, through: int) -> str:
        """How a request through the client (-1) or a copy authenticates: the nearest credential given wins."""
        while through >= 0:
            credential = self.copies[through].credential
            if credential is not None:
                return "api-key" if credential == "key" else "bearer-token"
            through = self.copies[through].source
        return "bearer-token" if self.entra else "api-key"

    def expected_operations(self) -> list[tuple[str, str]]:
        """(operation, deployment) the dated clients send."""
        effective = self.effective_deployment
        main = [(r.kind, effective if effective and r.kind in DEPLOYMENT_ROUTES else r.model) for r in self.requests]
        return main + ([(EMBED, EMBEDDING)] if self.second_client != "none" else [])

    def expected_auth(self) -> list[str]:
        main = [self.auth_of(r.through) for r in self.requests]
        return main + (["api-key"] if self.second_client != "none" else [])


# Variants that often make the tool keep a client on the dated API (correctly, with a finding) are drawn rarely, so
# that most examples exercise the rewrite itself.
RARELY = st.sampled_from([False] * 7 + [True])


def _queries(version: str) -> st.SearchStrategy[tuple[tuple[str, str], ...] | None]:
    return st.sampled_from(
        [None, (("api-version", version),), (("api-version", version), ("trace", "on")), (("trace", "on"),)]
    )


@st.composite
def requests_for(draw: st.DrawFn, effective: str | None, version: str, responses_ok: bool, copies: int) -> Request:
    if effective is None:
        kinds = [CHAT, COMPLETIONS, EMBED]
    else:  # a client bound to one deployment sends what that deployment serves
        kinds = [EMBED] if effective == EMBEDDING else [CHAT, COMPLETIONS]
    if responses_ok:
        kinds.append(RESPONSES)
    kind = draw(st.sampled_from(kinds))
    if kind == RESPONSES:  # /openai/responses: the deployment is model=, even with azure_deployment
        model = draw(st.sampled_from(CHAT_DEPLOYMENTS))
    elif effective is not None:
        model = draw(st.sampled_from(OVERRIDDEN_MODELS))
    else:
        model = EMBEDDING if kind == EMBED else draw(st.sampled_from(CHAT_DEPLOYMENTS))
    return Request(
        kind=kind,
        model=model,
        model_form=draw(st.sampled_from(["literal", "literal", "constant", "variable"])),
        via=(via := draw(st.sampled_from(["direct"] * 5 + ["with_options", "derived", "raw", "kwargs"]))),
        through=draw(st.integers(-1, copies - 1)) if copies else -1,
        extra_query=draw(_queries(version)),
        query_constant=draw(RARELY),
        stream=kind == CHAT and via != "raw" and draw(st.booleans()),
        options=draw(st.booleans()),
    )


@st.composite
def copies_for(draw: st.DrawFn, version_family: tuple[str, ...]) -> tuple[Copy, ...]:
    copies: list[Copy] = []
    for index in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        args = draw(st.lists(st.sampled_from(COPY_ARGS), max_size=3, unique=True))
        credentials = [a for a in args if a in COPY_CREDENTIALS]
        args = [a for a in args if a not in credentials[1:]]  # the SDK refuses two credentials
        copies.append(Copy(draw(st.sampled_from(["copy", "with_options"])), tuple(args),
                           draw(st.integers(-1, index - 1)), draw(st.sampled_from(version_family))))
    return tuple(copies)


def rebindings(storage: str, form: str, helper: str) -> list[str]:
    """The rebindings a valid program can make of the name `form` binds (none for values that bind no name)."""
    module_scope = storage in ("module", "module_function")  # where the client's assignment runs
    shadow = ["shadow_parameter"] if helper != "none" else []
    requests_beside_client = storage in ("local", "context") or (storage == "module" and helper == "none")
    if form in ("variable", "parameter"):
        scoped = ["global"] if module_scope and form == "variable" else ["nonlocal"]
        return ["reassign", "augmented", "walrus", "walrus_comprehension", "match", "del", "for", "in_requests",
                *scoped, *shadow]
    if form == "constant":  # a module constant: rebinding it inside the client's function would make it local
        at_module = ["reassign", "augmented", "walrus", "walrus_comprehension", "match", "del"] if module_scope else []
        allowed = ["global", *at_module]
        return allowed + ([] if requests_beside_client and not module_scope else ["for", "in_requests"]) + shadow
    if form == "self_attribute":  # self.deployment; `self` is not in the helper's scope
        in_method = storage == "attribute" and helper == "none"
        return ["reassign", "augmented", "del"] + (["for", "in_requests"] if in_method else [])
    return []


@st.composite
def programs(draw: st.DrawFn) -> Program:
    is_async = draw(st.booleans())
    credential = draw(st.sampled_from(KEY_KINDS + TOKEN_KINDS + (ASYNC_TOKEN_KINDS if is_async else ())))
    own = {"key": "api_key", "token": "azure_ad_token", "provider": "azure_ad_token_provider",
           "identity": "azure_ad_token_provider"}.get(credential.split("_")[0])
    nones = tuple(draw(st.lists(st.sampled_from([a for a in CREDENTIAL_ARGS if a != own]), unique=True)))
    deployment = draw(st.one_of(st.none(), st.sampled_from(sorted(DEPLOYMENTS))))
    endpoint = draw(st.sampled_from(ENDPOINTS + BASE_URLS[:2] + (BASE_URLS[2:] if deployment else ())))
    uses_responses = endpoint != "base_url_deployment" and draw(st.booleans())  # no /responses under a deployment
    version = draw(st.sampled_from(RESPONSES_VERSIONS if uses_responses else VERSIONS))
    storage = draw(st.sampled_from(STORAGES))
    helper = draw(st.sampled_from(["none"] * 6 + ["plain", "annotated"]))
    forms = list(DEPLOYMENT_FORMS)
    if storage in ("local", "context", "attribute", "instance", "factory"):
        forms.append("parameter")  # main(deployment) / Assistant(deployment) / make_client(deployment)
    if storage in ("attribute", "instance"):
        forms.append("self_attribute")
    form = "literal" if endpoint == "base_url_deployment" else draw(st.sampled_from(forms))
    rebinding = "none"
    if deployment is not None and (allowed := rebindings(storage, form, helper)):
        rebinding = draw(st.sampled_from(["none"] * len(allowed) + allowed))
    annotation = draw(st.sampled_from(["none", "none", *ANNOTATIONS]))
    copies = draw(copies_for(RESPONSES_VERSIONS if uses_responses else VERSIONS[:3]))
    program = Program(
        is_async=is_async,
        import_style=draw(st.sampled_from(["from", "from_alias", "module", "module_alias", "lib_azure"])),
        endpoint=endpoint,
        slash=draw(st.sampled_from(["", "/", "/", "//"])),
        credential=credential,
        nones=nones,
        version_form=draw(st.sampled_from(["literal", "constant", "environ", "getenv_default", "omitted"])),
        version=version,
        deployment=deployment,
        deployment_form=form,
        rebinding=rebinding,
        default_query=draw(_queries(version)),
        default_query_constant=draw(RARELY),
        default_headers=draw(st.booleans()),
        settings_dict=draw(RARELY),
        annotation=annotation,
        class_annotation=storage in ("attribute", "instance") and annotation != "none" and draw(st.booleans()),
        type_check=draw(st.sampled_from(["none"] * 9 + list(TYPE_CHECKS))),
        private=draw(st.sampled_from([None] * 12 + list(PRIVATE_ATTRIBUTES))),
        private_form=draw(st.sampled_from(PRIVATE_FORMS)),
        tuning=draw(st.booleans()),
        storage=storage,
        header=draw(st.sampled_from(["docstring", "docstring", "future", "none"])),
        helper=helper,
        fallback_openai=storage != "context" and draw(st.sampled_from([False, False, True])),
        second_client=draw(st.sampled_from(["none", "none", "none", "plain", "deployment"]))
        if storage in ("module", "module_function", "local") else "none",
        copies=copies,
        requests=(),
    )
    requests = draw(st.lists(requests_for(program.effective_deployment, version, uses_responses, len(copies)),
                             min_size=1, max_size=3))
    return replace(program, requests=tuple(requests))
