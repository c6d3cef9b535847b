"""Acceptance 4: after a migrate run on code using `client.evals`, the client carries the v1 preview header
`aoai-evals: preview` (merged into its existing default_headers), and a second run adds nothing.

The edit itself belongs to the engine (the lead's side); AOAI303 in codemod/rules/advisor_checks.py reports
it as fixed once an edit of `default_headers` is registered for the client."""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import string_value
from codemod.migration import migrate_source
from tests.advisor.helpers import FIXTURES

SOURCE = (FIXTURES / "migrate" / "evals_header.py").read_text(encoding="utf-8")


def client_headers(source: str) -> list[dict[str, str]]:
    """The default_headers literal of every OpenAI(...) call, in order."""
    found: list[dict[str, str]] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value == "OpenAI":
                arg = next((a for a in node.args if a.keyword and a.keyword.value == "default_headers"), None)
                headers: dict[str, str] = {}
                if arg is not None and isinstance(arg.value, cst.Dict):
                    for element in arg.value.elements:
                        if isinstance(element, cst.DictElement):
                            headers[string_value(element.key) or "?"] = string_value(element.value) or "?"
                found.append(headers)

    cst.parse_module(source).visit(Visitor())
    return found


def test_migrate_adds_the_evals_header_once() -> None:
    first = migrate_source(SOURCE)
    assert client_headers(first.source) == [
        {"x-team": "search", "aoai-evals": "preview"},
        {"aoai-evals": "preview"},
    ]
    reported = [f for f in first.findings if f.code == "AOAI303"]
    assert len(reported) == 2 and all(f.fixed for f in reported)
    second = migrate_source(first.source)
    assert second.source == first.source
    assert not [f for f in second.findings if f.code == "AOAI303" and f.needs_person]
