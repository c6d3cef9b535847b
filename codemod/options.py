"""Run options the engine reads (kept apart from the engine so the CLI can build them without loading LibCST)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    select: frozenset[str] | None = None  # None: every code
    ignore: frozenset[str] = frozenset()
    require_env: bool = False
    unsafe_fixes: bool = False  # apply the fixes whose applicability is "unsafe" (README "Unsafe fixes")
    deployment_prefix: str = "AZURE_OPENAI_DEPLOYMENT_"
    deployments: Mapping[str, str] = field(default_factory=dict)  # literal -> env var NAME
    # file (as shown) -> {module-level client name: another file of the run that imports it} (AOAI105)
    imported_elsewhere: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # AOAI105 one call deep (codemod/run/factories.py): file -> {factory name: (its module, literal deployment)}
    # imported there from another file of the run; file -> the factories defined there whose every use is in sight
    factory_imports: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    followed_factories: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # an `openai` requirement of the project that allows no 1.x release, as "openai==0.28.1 (requirements.txt:1)":
    # module-level settings are then openai<1.0 code (AOAI107), whatever names they use
    openai_0x_pin: str = ""
    # a `langchain-openai` requirement of the project that allows no release the v1 form of LangChain's classes
    # relies on (a callable api_key, usage streamed by default), as "langchain-openai==0.2.9 (requirements.txt:26)"
    langchain_openai_pin: str = ""
    # attribute name -> where a file of the run reads a private Azure attribute through it, as ("tests/app.py:60",
    # "_azure_ad_token_provider"): a client stored under that name stays on the dated API (run/private_reads.py)
    private_reads: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Azure class -> where files of the run check a value they cannot follow for it, as ("app/chat.py:12", ...): a
    # client of that class another file can reach stays on the dated API (the check would turn false for it)
    foreign_class_checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        """`--select` / `--ignore` take codes or prefixes (`AOAI2`)."""
        selected = self.select is None or any(code.startswith(s) for s in self.select)
        return selected and not any(code.startswith(i) for i in self.ignore)
