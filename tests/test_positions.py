"""Positions are computed per top-level statement, only where something is reported (Metadata.position); they
must equal LibCST's PositionProvider over the whole module for every node, whatever the layout."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from codemod.engine.analysis import Analysis
from codemod.engine.metadata import Metadata
from codemod.engine.slicing import slice_module
from codemod.run.source import decode
from tests.fixture_cases import cases

LAYOUTS = {
    "crlf-and-header-comments": "# header\r\n\r\nimport os\r\n\r\n\r\ndef f(a,\r\n      b):\r\n    return a\r\n",
    "no-trailing-newline": "x = 1\nif x:\n    y = (1,\n         2)",
    "semicolons-and-continuations": "a = 1; b = 2\nc = a + \\\n    b\n@dec\nclass K:\n    '''doc\n    more'''\n",
    "footer-comments": "def f():\n    pass\n    # inside\n# after\n",
    "lone-cr": "a = 1\rif a:\r    b = (2,\r         3)\rc = 4\r",
    "form-feed": "x = 1\n\x0c\ny = 2\n",
    "trailing-block-comment": "class A:\n    def f(self):\n        return 1\n\n    # trailing\n\nz = A()\n",
}


def _sources() -> list[tuple[str, str]]:
    found = [(name, text) for name, text in LAYOUTS.items()]
    for case in cases():
        if case.source.suffix == ".py":
            text = decode(case.source.read_bytes()).text
            found.append((case.id, text))
            sliced = slice_module(text)
            if sliced is not None:
                found.append((f"{case.id}-sliced", sliced.text))
    return found


@pytest.mark.parametrize(("name", "source"), _sources(), ids=[n for n, _ in _sources()])
def test_positions_equal_libcst_position_provider(name: str, source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("LibCST cannot parse this fixture (it is an error-reporting case)")
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    meta = Metadata(MetadataWrapper(module, unsafe_skip_copy=True), (ScopeProvider,))
    module.visit(Analysis(meta))  # fills the parent map
    body = set(module.body)
    in_statements = [n for n in expected if n in body or any(a in body for a in meta.ancestors(n))]
    assert in_statements or not body
    for node in reversed(in_statements):  # the last statements first: their lines depend on all before them
        assert meta.position(node) == expected[node], module.code_for_node(node)
    assert module not in meta._positions, "positions inside statements must not need the whole module"
    for node in expected:  # the module, its header and footer lines: from the whole module
        assert meta.position(node) == expected[node]
