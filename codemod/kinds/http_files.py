"""HTTP request files (`.http`, `.rest`: VS Code REST Client, JetBrains HTTP Client): a request on a dated
deployment route moves to the v1 route when that is certain (AOAI102, fixed):

    POST {{endpoint}}/openai/deployments/{{deployment}}/chat/completions?api-version=2024-02-01
    ->  POST {{endpoint}}/openai/v1/chat/completions      with "model": "{{deployment}}" first in the body

On the v1 API the deployment travels as the body's `model` instead of in the path, and no api-version is
sent. Certain means: a deployment route with a JSON body, the body a literal JSON object (template variables
only inside strings) without a `model` of its own, the query on the request line. A dated Responses request
(`/openai/responses?api-version=`) already names its deployment in `model` and only changes route. Anything
else on the dated API is reported with its v1 form; a file variable holding a dated api-version that no
request uses any more is removed. Fixtures: fixtures/kinds/http_files/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePath

from codemod.advisor.versions import known_version
from codemod.findings import Finding
from codemod.kinds.base import KindResult, RunFacts

_SEPARATOR = re.compile(r"^###")
# A URL is one word, except that a template may hold spaces: `{{$dotenv AZURE_OPENAI_SERVICE}}`, `{{$processEnv X}}`.
_TEMPLATE = r"\{\{[^{}\r\n]*\}\}"
_WORD = rf"(?:{_TEMPLATE}|\S)"
_REQUEST = re.compile(rf"^(?P<method>[A-Z]+)[ \t]+(?P<url>{_WORD}+)(?P<rest>[^\r\n]*)")
_JSON_ROUTES = frozenset({"chat/completions", "completions", "embeddings", "audio/speech", "images/generations"})
_FORM_ROUTES = frozenset({"audio/transcriptions", "audio/translations", "images/edits"})
_DEPLOYMENT_URL = re.compile(
    rf"^(?P<prefix>{_WORD}*?)/openai/deployments/(?P<deployment>(?:{_TEMPLATE}|[^/?\s])+)/(?P<route>[\w/]+?)"
    rf"(?:\?(?P<query>{_WORD}*))?$"
)
_RESPONSES_URL = re.compile(rf"^(?P<prefix>{_WORD}*?)/openai/(?P<route>responses)(?:\?(?P<query>{_WORD}*))?$")
_DATED_URL = re.compile(
    rf"^(?P<prefix>{_WORD}*?)/openai/(?!v1/)(?P<path>(?:{_TEMPLATE}|[^?\s])*)\?(?:{_WORD}*&)?api-version=",
    re.IGNORECASE,
)
_VARIABLE = re.compile(r"^@(?P<name>[\w.-]+)[ \t]*=[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?\n?$")
_CONTENT_TYPE = re.compile(r"^content-type[ \t]*:[ \t]*(?P<value>[^\r\n]*)", re.IGNORECASE)


@dataclass
class _Request:
    line: int  # index of the request line
    header_end: int  # index of the blank line before the body (or the section's end)
    end: int  # index just past the section


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    lines = text.splitlines(keepends=True)
    edits: dict[int, list[str]] = {}  # line index -> the lines that replace it (all indices are the original's)
    findings: list[Finding] = []
    for request in _requests(lines):
        finding = _migrate_request(lines, request, edits)
        if finding is not None:
            findings.append(finding)
    findings += _drop_unused_versions(lines, edits)
    new = [piece for index, line in enumerate(lines) for piece in edits.get(index, [line])]
    return KindResult("".join(new), sorted(findings, key=Finding.sort_key))


def _requests(lines: list[str]) -> list[_Request]:
    found, start = [], 0
    bounds = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)] + [len(lines)]
    for end in bounds:
        line = next((i for i in range(start, end) if _is_request_line(lines[i])), None)
        if line is not None:
            header_end = next((i for i in range(line + 1, end) if not lines[i].strip()), end)
            found.append(_Request(line, header_end, end))
        start = end + 1
    return found


def _is_request_line(line: str) -> bool:
    return _REQUEST.match(line) is not None and not line.startswith(("#", "//", "@"))


def _migrate_request(lines: list[str], request: _Request, edits: dict[int, list[str]]) -> Finding | None:
    line = lines[request.line]
    match = _REQUEST.match(line)
    assert match is not None
    url = match["url"] + "".join(_continued_query(lines, request))
    dated = _DEPLOYMENT_URL.match(url) or _RESPONSES_URL.match(url)
    if dated is None or "api-version=" not in (dated["query"] or "").lower():
        return _report_other(request, url, match.start("url"))
    query = "&".join(p for p in dated["query"].split("&") if not p.lower().startswith("api-version="))
    new_url = f"{dated['prefix']}/openai/v1/{dated['route']}" + (f"?{query}" if query else "")
    deployment = dated.groupdict().get("deployment")
    where = (request.line + 1, match.start("url") + 1)
    why = _why_not(lines, request, dated["route"], deployment)
    if why is not None:
        model = f' with "model": "{deployment}" in the body' if deployment else ""
        message = f"a request on the dated API: {why}. Its v1 form is `{match['method']} {new_url}`{model}."
        return Finding("AOAI102", message, *where)
    if deployment is not None:
        edits.update(_with_model(lines, request, deployment))
    edits[request.line] = [line[: match.start("url")] + new_url + line[match.end("url") :]]
    moved = f" and the deployment `{deployment}` to the body's model" if deployment else ""
    return Finding("AOAI102", f"request moved to the v1 route `{new_url}`{moved}.", *where, fixed=True)


def _continued_query(lines: list[str], request: _Request) -> list[str]:
    """REST Client's multi-line query: lines under the request line that start with `?` or `&`."""
    found = []
    for line in lines[request.line + 1 : request.header_end]:
        if not line.lstrip().startswith(("?", "&")):
            break
        found.append(line.strip())
    return found


def _why_not(lines: list[str], request: _Request, route: str, deployment: str | None) -> str | None:
    """Why the request cannot move with certainty, or None."""
    if _continued_query(lines, request):
        return "its query continues on the next lines"
    if deployment is None:
        return None
    if route in _FORM_ROUTES:
        return f"`{route}` takes a form body, where the deployment must go as a `model` field by hand"
    if route not in _JSON_ROUTES:
        return f"`{route}` is not a route aoai-migrate knows on the v1 API"
    for line in lines[request.line + 1 : request.header_end]:
        content_type = _CONTENT_TYPE.match(line)
        if content_type and "json" not in content_type["value"].lower():
            return "its body is not JSON"
    body = _body(lines, request)
    try:
        value = json.loads(body)
    except ValueError:
        return "its body is not a literal JSON object (a file, or template values outside strings)"
    if not isinstance(value, dict):
        return "its body is not a JSON object"
    if "model" in value:
        return "its body already has a `model`, which the v1 API would use instead of the deployment"
    return None


def _body(lines: list[str], request: _Request) -> str:
    return "".join(lines[request.header_end + 1 : request.end])


def _with_model(lines: list[str], request: _Request, deployment: str) -> dict[int, list[str]]:
    """The edit that makes `"model": "<deployment>"` the body's first member, in the body's own layout."""
    member = f'"model": {json.dumps(deployment, ensure_ascii=False)}'
    index = next(i for i in range(request.header_end + 1, request.end) if "{" in lines[i])
    line = lines[index]
    brace = line.index("{")
    after = line[brace + 1 :]
    if after.strip() == "":  # members on the lines below: a line of its own, indented like the next one
        below = next((lines[i] for i in range(index + 1, request.end) if lines[i].strip()), "")
        indent = below[: len(below) - len(below.lstrip())]
        comma = "" if below.lstrip().startswith("}") else ","
        return {index: [line, f"{indent}{member}{comma}{line[len(line.rstrip(chr(13) + chr(10))) :]}"]}
    rest = after.lstrip(" \t")
    comma = "" if rest.startswith("}") else ", "
    return {index: [line[: len(line) - len(rest)] + member + comma + rest]}


def _report_other(request: _Request, url: str, start: int) -> Finding | None:
    dated = _DATED_URL.match(url)
    if dated is None:
        return None
    message = (f"a request on the dated API (`/openai/{dated['path']}` with an api-version): on the v1 API the "
               f"route is `{dated['prefix']}/openai/v1/...` without api-version, where the route exists; "
               "check it by hand.")
    return Finding("AOAI307", message, request.line + 1, start + 1, level="info")


def _drop_unused_versions(lines: list[str], edits: dict[int, list[str]]) -> list[Finding]:
    """Remove `@name = <dated api-version>` once no request uses `{{name}}` (fixed AOAI307)."""
    rewritten = "".join(piece for index, line in enumerate(lines) for piece in edits.get(index, [line]))
    findings = []
    for index, line in enumerate(lines):
        variable = _VARIABLE.match(line)
        if variable is None or known_version(variable["value"].strip("\"'")) is None:
            continue
        if "{{" + variable["name"] + "}}" in rewritten:
            continue
        edits[index] = []
        message = f"`@{variable['name']}` (api-version {variable['value']}) removed: no request uses it any more."
        findings.append(Finding("AOAI307", message, index + 1, 1, fixed=True))
    return findings

