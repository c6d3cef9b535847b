"""Builders for the expressions the rules write: v1 base URLs, environment lookups."""

from __future__ import annotations

import re

import libcst as cst

V1_SUFFIX = "/openai/v1/"
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.SimpleString, cst.FormattedString)
_DEPLOYMENT_PATH = re.compile(r"/openai/deployments/([^/]+)/*$")
_OPENAI_PATH = re.compile(r"/openai/*$")
_V1_PATH = re.compile(r"/openai/v1/*$")  # AzureOpenAI(base_url=<v1 URL>, api_version="preview"): 2025 samples


def string(value: str) -> cst.SimpleString:
    return cst.SimpleString('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _split_literal(node: cst.SimpleString) -> tuple[str, str, str] | None:
    """(prefix, quote, raw inner text) of a str literal; None for bytes literals."""
    token = node.value
    prefix = token[: len(token) - len(token.lstrip("rRuUbBfF"))]
    if "b" in prefix.lower():
        return None
    rest = token[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[0]
    return prefix, quote, rest[len(quote) : -len(quote)]


def _fold(node: cst.BaseExpression, transform) -> cst.BaseExpression | None:
    """Apply `transform` (raw text -> raw text, or None) to the last literal text of a string expression."""
    if isinstance(node, cst.SimpleString):
        parts = _split_literal(node)
        if parts is None:
            return None
        prefix, quote, inner = parts
        new_inner = transform(inner)
        return None if new_inner is None else node.with_changes(value=prefix + quote + new_inner + quote)
    if isinstance(node, cst.FormattedString) and node.parts and isinstance(node.parts[-1], cst.FormattedStringText):
        last = node.parts[-1]
        new_text = transform(last.value)
        if new_text is None:
            return None
        return node.with_changes(parts=[*node.parts[:-1], last.with_changes(value=new_text)])
    if isinstance(node, cst.ConcatenatedString):
        right = _fold(node.right, transform)
        return None if right is None else node.with_changes(right=right)
    return None


def _endpoint_to_v1(inner: str) -> str | None:
    stripped = inner.rstrip("/")
    return stripped + V1_SUFFIX if stripped else None


def v1_base_url(endpoint: cst.BaseExpression) -> cst.BaseExpression:
    """The v1 base URL for an `azure_endpoint` expression E: E without trailing slashes + /openai/v1/.

    Literals and f-strings are folded; anything else becomes `E.rstrip("/") + "/openai/v1/"`, which
    evaluates E once, exactly as the openai package did (`azure_endpoint.rstrip('/')`)."""
    folded = _fold(endpoint, _endpoint_to_v1)
    if folded is not None:
        return folded
    value = endpoint
    if not isinstance(endpoint, _ATOMS) or endpoint.lpar:
        value = endpoint if endpoint.lpar else endpoint.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    rstrip = cst.Call(func=cst.Attribute(value=value, attr=cst.Name("rstrip")), args=[cst.Arg(string("/"))])
    return cst.BinaryOperation(left=rstrip, operator=cst.Add(), right=string(V1_SUFFIX))


def base_url_to_v1(base_url: cst.BaseExpression) -> tuple[cst.BaseExpression, str | None] | None:
    """For an Azure `base_url` literal ending in /openai, /openai/deployments/NAME or already /openai/v1:
    (v1 URL, NAME or None)."""
    found: dict[str, str | None] = {}

    def transform(inner: str) -> str | None:
        match = _DEPLOYMENT_PATH.search(inner)
        if match:
            found["deployment"] = match.group(1)
            return inner[: match.start()] + V1_SUFFIX
        if _V1_PATH.search(inner):
            return _V1_PATH.sub("", inner) + V1_SUFFIX
        if _OPENAI_PATH.search(inner):
            return _OPENAI_PATH.sub("", inner) + V1_SUFFIX
        return None

    folded = _fold(base_url, transform)
    return None if folded is None else (folded, found.get("deployment"))


def getenv(name: str, default: cst.BaseExpression | None = None) -> cst.Call:
    args = [cst.Arg(string(name))]
    if default is not None:
        args = [
            cst.Arg(string(name), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(default),
        ]
    return cst.Call(func=cst.Attribute(value=cst.Name("os"), attr=cst.Name("getenv")), args=args)


def environ(name: str) -> cst.Subscript:
    return cst.Subscript(
        value=cst.Attribute(value=cst.Name("os"), attr=cst.Name("environ")),
        slice=[cst.SubscriptElement(slice=cst.Index(value=string(name)))],
    )
