"""Rule registry. Every module in this package that defines `CODES`, `ORDER` and `apply(ctx)` is a rule;
adding a rule is adding a file. A rule may also define `blocker(ctx, client)`, consulted before any
client is moved to the v1 API: it returns `(node, message)` when that client must be left alone."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType


@cache
def rule_modules() -> tuple[ModuleType, ...]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "apply") and hasattr(module, "CODES"):
            modules.append(module)
    return tuple(sorted(modules, key=lambda m: (m.ORDER, m.__name__)))
