"""Where a value sits in a configuration file, read from its layout (indentation, brackets, `[sections]`,
blank lines) so that one reader serves .env, Dockerfile, YAML, JSON, TOML, Bicep and Terraform alike:
the key that names the value, the enclosing sections, and the block of settings around it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

_COMMENT_PREFIXES = ("#", "//")
_TOML_SECTION = re.compile(r"^\[\[?[^\[\]]+\]\]?\s*(?:#.*)?$")
# The last key before a value: `KEY=`, `KEY: `, `"Key": "`, `ENV KEY `, `- KEY=`, `key = "`.
_LAST_KEY = re.compile(r"""([A-Za-z_$@][\w.$@-]*)["']?\s*[:=]?\s*["']?\s*$""")
# Bicep: `param openAiApiVersion string = '...'`, `var apiVersion = '...'`.
_BICEP_DECLARATION = re.compile(r"^\s*(?:param|var)\s+([A-Za-z_]\w*)\b")
# A setting given as a pair: `name: X` then `value: Y` (Kubernetes, App Service, Container Apps, Terraform).
_NAME_FIELD = re.compile(r"""(?<![\w-])["']?name["']?\s*[:=]\s*["']?([\w.$-]+)""")
# Keys whose value is carried for a name given elsewhere: the pair's `name`, or the enclosing key.
_HOLDER_KEYS = frozenset({"value", "default", "defaultvalue"})
_LINE_KEY = re.compile(r"""^\s*(?:-\s*)?(?:export\s+|ENV\s+|ARG\s+)?["']?([A-Za-z_$@][\w.$@ -]*?)["']?\s*[:=]""")
_PAIR_DISTANCE = 4  # lines between a pair's `name` and its `value`


@dataclass
class Layout:
    """The lines of one configuration file and how they nest."""

    text: str
    toml: bool = False
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()

    @cached_property
    def depth(self) -> list[int]:
        """Each line's nesting depth: its indentation, plus one for a YAML list item (`- x` may sit at
        the indentation of its parent key)."""
        out = []
        for line in self.lines:
            stripped = line.lstrip()
            out.append(len(line) - len(stripped) + (1 if stripped.startswith("- ") else 0))
        return out

    def is_content(self, index: int) -> bool:
        stripped = self.lines[index].strip()
        return bool(stripped) and not stripped.startswith(_COMMENT_PREFIXES) and stripped not in ("}", "]", "},", "],")

    def is_comment(self, index: int) -> bool:
        return self.lines[index].lstrip().startswith(_COMMENT_PREFIXES)

    def is_opener(self, index: int) -> bool:
        """A line that opens a block: `key:`, `key: {`, `"key": [`, `resource x '...' = {`, `[section]`."""
        code = self.lines[index].split(" #", 1)[0].rstrip()
        return code.endswith((":", "{", "[", "(")) or (self.toml and _TOML_SECTION.match(code.strip()) is not None)

    def ancestors(self, index: int) -> list[int]:
        """The block-opening lines that enclose line `index`, nearest first (for TOML, its `[section]`)."""
        found, threshold = [], self.depth[index]
        for j in range(index - 1, -1, -1):
            if not self.is_content(j):
                continue
            if self.toml and _TOML_SECTION.match(self.lines[j].strip()):
                return [*found, j]
            if self.depth[j] < threshold:
                threshold = self.depth[j]
                if self.is_opener(j):
                    found.append(j)
                if threshold == 0 and not self.toml:
                    break
        return found

    def block(self, index: int) -> list[str]:
        """The settings around line `index`: the body of its nearest enclosing block, or, in a flat file,
        its paragraph (the lines between blank lines, comments included: they label the settings)."""
        parents = self.ancestors(index)
        if parents and self._section_start(parents[0]):
            end = parents[0] + 1
            while end < len(self.lines) and not self._section_start(end):
                end += 1
            return self.lines[parents[0] : end]
        if parents:
            start = end = parents[0]
            while end + 1 < len(self.lines) and self._inside(end + 1, start):
                end += 1
            while end > start and self.is_comment(end):
                end -= 1  # a comment after the block labels what follows it
            return self.lines[start : end + 1]
        start = index
        while start > 0 and self.lines[start - 1].strip() and not self._section_start(start - 1):
            start -= 1
        end = index
        while end + 1 < len(self.lines) and self.lines[end + 1].strip() and not self._section_start(end + 1):
            end += 1
        return self.lines[start : end + 1]

    def _inside(self, index: int, opener: int) -> bool:
        return not self.is_content(index) or self.depth[index] > self.depth[opener]

    def _section_start(self, index: int) -> bool:
        return self.toml and _TOML_SECTION.match(self.lines[index].strip()) is not None

    def key_of(self, index: int, prefix: str) -> str | None:
        """The name the value after `prefix` on line `index` is set for: the key before it, or, for a
        `value:` / `default =` holder, the pair's `name` or the enclosing key."""
        declared = _BICEP_DECLARATION.match(prefix)
        if declared:
            return declared.group(1)
        match = _LAST_KEY.search(prefix)
        if match is None:
            return None
        key = match.group(1)
        if key.lower() not in _HOLDER_KEYS:
            return key
        return self._pair_name(index, prefix) or self._enclosing_key(index)

    def _pair_name(self, index: int, prefix: str) -> str | None:
        names = _NAME_FIELD.findall(prefix)
        if names:
            return names[-1]
        depth = self.depth[index]
        for j in range(index - 1, max(index - _PAIR_DISTANCE, 0) - 1, -1):
            if not self.is_content(j):
                continue
            if self.depth[j] < depth - 1:
                return None  # left the pair's own block
            found = _NAME_FIELD.match(self.lines[j].lstrip(" -"))
            if found:
                return found.group(1)
        return None

    def _enclosing_key(self, index: int) -> str | None:
        parents = self.ancestors(index)
        if not parents:
            return None
        code = self.lines[parents[0]].strip().rstrip("{[(:= ").strip()
        match = _LAST_KEY.search(code.rstrip("\"'"))
        return match.group(1) if match else None

    def keys_in(self, lines: list[str]) -> list[str]:
        """The keys set on `lines` (`KEY=`, `key:`, `"Key":`), plus the text of their comments."""
        keys = []
        for line in lines:
            if line.lstrip().startswith(_COMMENT_PREFIXES):
                keys.append(line.lstrip("#/ \t"))
                continue
            match = _LINE_KEY.match(line)
            if match:
                keys.append(match.group(1))
        return keys

    def path_of(self, index: int) -> list[str]:
        """The text of the enclosing block openers, nearest first: their keys name what they configure."""
        return [self.lines[j].strip() for j in self.ancestors(index)]
