"""What a rule reports: `Finding`, plus the table of rule codes and their one-line summaries."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]

# Every code the tool can emit, with a one-line summary (shown by `aoai-migrate rules`).
RULES: dict[str, str] = {
    "AOAI000": "A file could not be read, decoded or parsed.",
    "AOAI101": "AzureOpenAI / AsyncAzureOpenAI of the openai package become OpenAI / AsyncOpenAI.",
    "AOAI102": "azure_endpoint (or the AZURE_OPENAI_ENDPOINT fallback) becomes base_url ending in /openai/v1/.",
    "AOAI103": "api_version and 'api-version' query parameters are removed (the v1 API rejects them).",
    "AOAI104": "Token providers and tokens become api_key; the AZURE_OPENAI_API_KEY fallback is made explicit.",
    "AOAI105": "Client-level azure_deployment moves to model= on every request made through that client.",
    "AOAI106": "Module-level openai.api_type/azure_endpoint/api_version settings move to the v1 form.",
    "AOAI107": "openai<1.0 calls (openai.ChatCompletion.create(engine=...)) need the 1.x client first.",
    "AOAI201": "A hard-coded deployment name in model= becomes an environment variable with the literal as default.",
    "AOAI301": "A dated api-version is pinned: what it is and what moving to v1 brings.",
    "AOAI302": "A request uses a parameter or API newer than the client's pinned api-version.",
    "AOAI303": "A v1 preview path needs its preview header.",
    "AOAI304": "An API outside the v1 GA list is used: check it by hand.",
    "AOAI305": "A hard-coded API key or token is passed to the client.",
    "AOAI306": "The openai dependency pin is too old for the migrated code.",
    "AOAI307": "A dated api-version outside Python code (.env, YAML, JSON, TOML, Dockerfile, Bicep, Terraform).",
    "AOAI308": "An unknown or malformed api-version string.",
}


@dataclass(frozen=True)
class Finding:
    """One report about one place in one file.

    `fixed` is True when the tool rewrote the code (or would, in --diff/--check); such findings need no
    person. `level == "info"` findings explain and never fail a run on their own.
    """

    code: str
    message: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    fixed: bool = False
    level: Level = "warning"
    path: str = ""
    cell: int | None = None  # notebook cell number (from 1), for .ipynb inputs

    @property
    def needs_person(self) -> bool:
        return not self.fixed and self.level != "info"

    def with_path(self, path: str) -> Finding:
        data = asdict(self)
        data["path"] = path
        return Finding(**data)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell if self.cell is not None else -1, self.line, self.column, self.code)
