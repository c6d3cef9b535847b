"""A migrate run on code using a v1 preview path merges the path's header into the client's default_headers
(AOAI303: fine-tuning checkpoint copy -> `aoai-copy-ft-checkpoints: preview`), and a second run adds nothing.
`client.evals` gets no header: /evals left preview (Microsoft's v1 lifecycle page, 2026-03-19)."""

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


COPY = "/fine_tuning/jobs/ftjob-1/checkpoints/ftckpt-2/copy"


def test_migrate_no_longer_adds_the_evals_header() -> None:
    first = migrate_source(SOURCE)
    assert client_headers(first.source) == [{"x-team": "search"}, {}]
    assert not [f for f in first.findings if f.code == "AOAI303"]


def test_migrate_adds_a_preview_header_once() -> None:
    request = f"client.post({COPY!r}, cast_to=dict, body={{}})\n"
    source = SOURCE.replace("client.evals.create(", request + "client.evals.create(")
    first = migrate_source(source)
    assert client_headers(first.source) == [{"x-team": "search", "aoai-copy-ft-checkpoints": "preview"}, {}]
    reported = [f for f in first.findings if f.code == "AOAI303"]
    assert len(reported) == 1 and reported[0].fixed
    second = migrate_source(first.source)
    assert second.source == first.source
    assert not [f for f in second.findings if f.code == "AOAI303" and f.needs_person]
