"""Where a value sits in a configuration file, read from its layout (indentation, brackets, `[sections]`,
blank lines) so that one reader serves .env, Dockerfile, YAML, JSON, TOML, Bicep and Terraform alike:
the key that names the value, the enclosing sections, and the block of settings around it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

_COMMENT_PREFIXES = ("#", "//")
_TOML_SECTION = re.compile(r"^\[\[?[^\[\]]+\]\]?\s*(?:#.*)?$")
_KEY_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$@")
_KEY_PART = re.compile(r"[\w.$@-]")
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
    """The lines of one configuration file and how they nest. The nesting is worked out in one pass, the
    first time a dated value needs it (most files hold none), and then serves every value."""

    text: str
    toml: bool = False
    lines: list[str] = field(init=False)
    _blocks: dict[tuple[int, int], list[str]] = field(init=False, default_factory=dict)
    _ends: dict[int, int] = field(init=False, default_factory=dict)
    memo: dict[int, bool] = field(init=False, default_factory=dict)  # per block (by id): what it says

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()

    @cached_property
    def depth(self) -> list[int]:
        """Indentation, plus one for a YAML list item (`- x` may sit at the indentation of its key)."""
        out = []
        for line in self.lines:
            stripped = line.lstrip()
            out.append(len(line) - len(stripped) + (1 if stripped.startswith("- ") else 0))
        return out

    @cached_property
    def parent(self) -> list[int]:
        """The nearest content line above each line with a smaller depth, or -1."""
        out: list[int] = []
        stack: list[int] = []
        for index in range(len(self.lines)):
            if self.is_content(index):
                while stack and self.depth[stack[-1]] >= self.depth[index]:
                    stack.pop()
                out.append(stack[-1] if stack else -1)
                stack.append(index)
            else:
                out.append(stack[-1] if stack else -1)
        return out

    @cached_property
    def section(self) -> list[int]:
        """TOML: the `[section]` line each line belongs to, or -1."""
        out, current = [], -1
        for index in range(len(self.lines)):
            if self._section_start(index):
                current = index
            out.append(current)
        return out

    @cached_property
    def paragraph(self) -> list[tuple[int, int]]:
        """First and last line of the run of non-blank lines each line is in."""
        return self._paragraphs()

    def _paragraphs(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(self.lines):
            if not self.lines[index].strip():
                spans.append((index, index))
                index += 1
                continue
            end = index
            while end + 1 < len(self.lines) and self.lines[end + 1].strip() and not self._section_start(end + 1):
                end += 1
            spans.extend([(index, end)] * (end - index + 1))
            index = end + 1
        return spans

    def is_content(self, index: int) -> bool:
        stripped = self.lines[index].strip()
        return bool(stripped) and not stripped.startswith(_COMMENT_PREFIXES) and stripped not in ("}", "]", "},", "],")

    def is_comment(self, index: int) -> bool:
        return self.lines[index].lstrip().startswith(_COMMENT_PREFIXES)

    def is_opener(self, index: int) -> bool:
        """A line that opens a block: `key:`, `key: {`, `"key": [`, `resource x '...' = {`, `[section]`."""
        code = self.lines[index].split(" #", 1)[0].rstrip()
        return code.endswith((":", "{", "[", "(")) or self._section_start(index)

    def ancestors(self, index: int) -> list[int]:
        """The block-opening lines that enclose line `index`, nearest first (for TOML, its `[section]`)."""
        found = []
        j = self.parent[index]
        while j != -1:
            if self.is_opener(j):
                found.append(j)
            j = self.parent[j]
        if self.toml and self.section[index] not in (-1, index):
            found.append(self.section[index])
        return found

    def block(self, index: int) -> list[str]:
        """The settings around line `index`: the body of its nearest enclosing block (a TOML section), or,
        in a flat file, its paragraph (the lines between blank lines, comments included: they label the
        settings)."""
        parents = self.ancestors(index)
        span = self.paragraph[index] if not parents else (parents[0], self._block_end(parents[0]))
        if span not in self._blocks:
            self._blocks[span] = self.lines[span[0] : span[1] + 1]
        return self._blocks[span]

    def _block_end(self, opener: int) -> int:
        if opener in self._ends:
            return self._ends[opener]
        end = opener
        if self._section_start(opener):
            while end + 1 < len(self.lines) and not self._section_start(end + 1):
                end += 1
        else:
            while end + 1 < len(self.lines) and self._inside(end + 1, opener):
                end += 1
            while end > opener and self.is_comment(end):
                end -= 1  # a comment after the block labels what follows it
        self._ends[opener] = end
        return end

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
        key = last_key(prefix)
        if key is None:
            return None
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
        return last_key(code.rstrip("\"'"))

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



def last_key(prefix: str) -> str | None:
    """The last key before a value: `KEY=`, `KEY: `, `"Key": "`, `ENV KEY `, `- KEY=`, `key = "`. Read from the
    end of `prefix` without a regular expression: a pattern anchored at the end rescans every word of the line
    before it (cubic in the length of a long word: minutes on one minified JSON line)."""
    end = len(prefix.rstrip())
    end = _drop_one(prefix, end, "\"'")  # the value's opening quote
    end = _drop_one(prefix, len(prefix[:end].rstrip()), ":=")
    end = _drop_one(prefix, len(prefix[:end].rstrip()), "\"'")  # the key's closing quote
    start = end
    while start > 0 and _KEY_PART.match(prefix[start - 1]):
        start -= 1
    while start < end and prefix[start] not in _KEY_START:
        start += 1
    return prefix[start:end] or None


def _drop_one(text: str, end: int, chars: str) -> int:
    return end - 1 if end and text[end - 1] in chars else end
