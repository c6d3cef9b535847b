"""LibCST parses one file without taking the run down with it.

LibCST's native parser recurses on the calling thread's stack and its visitors recurse in Python, so deeply
nested code either overflows the stack (a segmentation fault: the whole process dies) or stops at Python's
recursion limit, and a deep expression costs LibCST time that grows much faster than its size. Three guards:

- `parse_module` first lets CPython's own parser read the text: it refuses what is too deep for itself
  (RecursionError, MemoryError, "too many nested parentheses") without crashing, and its tree tells how deep
  LibCST's tree will be. More than `MAX_DEPTH` levels is refused with `TooDeep`.
- `deep_stack` runs the engine in a thread with a large stack and a raised recursion limit, so that
  everything within `MAX_DEPTH` parses (a list nested 150 deep, a 500-term `+` chain).
- Text that CPython rejects (a Python 2 file, or syntax newer than the running interpreter) cannot be
  measured, yet LibCST must still judge it. Under `guarded` outside an isolated process it raises
  `NeedsIsolation`, and the runner parses such a file in a child process of its own, where a crash costs only
  that file. Other callers (the advisor) get LibCST's parse directly, as before.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import libcst as cst

T = TypeVar("T")

# Levels of nesting LibCST is given, counted on CPython's tree. At this depth the slowest forms (a chain of
# 1,000 subscripts or attribute reads) take LibCST a few seconds. LibCST also nests what CPython keeps flat:
# a dotted import name counts a level per part, and an `a and b and c` chain, whose nesting costs LibCST stack
# but only linear time, a level per _CHAIN_PER_LEVEL operands.
MAX_DEPTH = 1000
_CHAIN_PER_LEVEL = 10
# The native parser needs about 1 KB of stack per level and each level costs LibCST's visitors a few Python
# frames: 256 MiB (reserved address space, touched only as deep as used) and 50 frames per level leave a wide
# margin, where the default 8 MiB overflow at a few thousand levels.
STACK_BYTES = 256 * 1024 * 1024
RECURSION_LIMIT = 50 * MAX_DEPTH
_PYTHON_GIVES_UP = re.compile(r"too many nested parentheses")

_isolated = False  # this process's crash costs one file only (a pool worker, a one-off child)
_deferring = False  # inside `guarded` outside an isolated process: unmeasured text raises NeedsIsolation
_limits = threading.Lock()


class TooDeep(Exception):
    """The file nests deeper than the parser can follow; the message is a sentence for the user."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the file is too deeply nested for the parser ({detail}); it was left unchanged. "
            f"aoai-migrate follows at most {MAX_DEPTH} levels: split the expression or migrate the file by hand."
        )


class NeedsIsolation(Exception):  # noqa: N818 - a request to the runner, not an error
    """CPython rejects the text, so its depth is unknown: parse it in a process of its own."""


def mark_isolated() -> None:
    global _isolated
    _isolated = True


def parse_module(source: str) -> cst.Module:
    """`libcst.parse_module`, after checking that LibCST can follow the text's nesting (see the module)."""
    import libcst as cst

    if python_accepts(source) is None and _deferring:
        raise NeedsIsolation
    with paused_gc():
        return cst.parse_module(source)


def guarded(function: Callable[..., T], *args: object) -> T:
    """`deep_stack(function, *args)` for the runner: a parse of text whose depth cannot be measured raises
    `NeedsIsolation`, unless this process is isolated already."""
    global _deferring
    _deferring = not _isolated
    try:
        return deep_stack(function, *args)
    finally:
        _deferring = False


def python_accepts(source: str) -> bool | None:
    """Whether CPython parses `source` (None when it has a syntax error); raises `TooDeep` when CPython gives
    up on the nesting or LibCST would be more than MAX_DEPTH levels deep."""
    try:
        with warnings.catch_warnings(), paused_gc():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like: not ours to print
            tree = ast.parse(source)
    except (RecursionError, MemoryError) as exc:
        raise TooDeep("Python's own parser gives up on it") from exc
    except SyntaxError as exc:
        if _PYTHON_GIVES_UP.search(str(exc.msg)):
            raise TooDeep(f"{exc.msg} at line {exc.lineno}") from exc
        return None
    except ValueError:  # NUL bytes: the decoder refuses those first
        return None
    deepest = _too_deep(tree)
    if deepest is not None:
        raise TooDeep(f"more than {MAX_DEPTH} levels at line {deepest}")
    return True


def _too_deep(tree: ast.Module) -> int | None:
    """The line of the first place nested more than MAX_DEPTH levels as LibCST nests it, or None."""
    stack: list[tuple[ast.AST, int, int]] = [(node, 1, node.lineno) for node in tree.body]
    while stack:
        node, depth, line = stack.pop()
        if isinstance(node, ast.BoolOp):  # LibCST: ((a and b) and c), which costs it stack, not time
            depth += (len(node.values) - 1) // _CHAIN_PER_LEVEL
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")  # LibCST: Attribute(Attribute(a, b), c)
        elif isinstance(node, ast.ImportFrom) and node.module:
            depth += node.module.count(".")
        if depth > MAX_DEPTH:
            return line
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack += [(v, depth + 1, getattr(v, "lineno", line)) for v in value if isinstance(v, ast.AST)]
            elif isinstance(value, ast.AST) and name != "ctx":
                stack.append((value, depth + 1, getattr(value, "lineno", line)))
    return None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector paused while a parser builds a tree: the nodes hold no cycles (reference
    counting frees them), yet each collection walks every object alive, so a multi-megabyte module spends
    about 40% of its parse in collections that find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def deep_stack(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a thread with a STACK_BYTES stack and Python's recursion limit raised to
    RECURSION_LIMIT; its exceptions are raised here, a RecursionError as `TooDeep`."""
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(function(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            error.append(exc)

    with _limits:
        previous = sys.getrecursionlimit()
        thread = _start(run)
        try:
            if thread is None:  # no thread with a large stack here: the calling thread's stack will do
                run()
            else:
                thread.join()
        finally:  # the limit is the interpreter's, not the thread's
            sys.setrecursionlimit(previous)
    if error:
        if isinstance(error[0], RecursionError):
            raise TooDeep("Python's recursion limit") from error[0]
        raise error[0]
    return result[0]


def _start(run: Callable[[], None]) -> threading.Thread | None:
    previous_stack, previous_limit = threading.stack_size(), sys.getrecursionlimit()
    try:
        threading.stack_size(STACK_BYTES)
        thread = threading.Thread(target=run, name="aoai-migrate-parse", daemon=True)
        sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
        thread.start()
        return thread
    except (ValueError, RuntimeError, MemoryError):  # a platform without large stacks, or no memory for one
        sys.setrecursionlimit(previous_limit)
        return None
    finally:
        threading.stack_size(previous_stack)


def failure_message(exc: Exception, text: str | None = None) -> str:
    """What the user is told when the engine failed on `text` (None: not known)."""
    from libcst import ParserSyntaxError

    if isinstance(exc, (ParserSyntaxError, SyntaxError, RecursionError)):
        return _parse_message(exc, text)
    if isinstance(exc, MemoryError):
        return "not enough memory to migrate the file; it was left unchanged. Run again with --jobs 1."
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"internal error in aoai-migrate ({type(exc).__name__}{': ' + detail if detail else ''}); the file was "
        "left unchanged. Please report it with the file's relevant lines."
    )


def _parse_message(exc: Exception, source: str | None = None) -> str:
    text = str(exc).strip()
    reason = text.splitlines()[0] if text else type(exc).__name__
    if source is None or not _python_parses(source):
        return "cannot parse the file: " + reason
    # Valid Python that LibCST's grammar does not cover: its own position can be 1:1 for a tokenizer error.
    continuation = _LONE_BACKSLASH.search(source) or _FINAL_BACKSLASH.search(source)
    hint = ""
    if continuation is not None:
        line = source.count("\n", 0, continuation.start()) + 1
        hint = (f"; line {line} ends the file with a backslash continuation: remove it and run again"
                if continuation.re is _FINAL_BACKSLASH else
                f"; line {line} holds only a backslash continuation: join it with the next line and run again")
    return (f"cannot parse the file: Python accepts it, but LibCST, the parser aoai-migrate rewrites with, "
            f"does not ({reason}){hint}; the file was left unchanged.")


# A line of nothing but a backslash continuation (before an indented block, or at the end of the file):
# valid Python that LibCST's tokenizer rejects.
_LONE_BACKSLASH = re.compile(r"^[ \t\f]*\\(?:\r\n?|\n|$)", re.MULTILINE)
_FINAL_BACKSLASH = re.compile(r"\\(?:\r\n?|\n)?\Z")


def _python_parses(source: str) -> bool:
    try:
        return python_accepts(source) is True
    except TooDeep:
        return False
