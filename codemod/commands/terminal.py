"""What the commands print to a terminal: colours follow NO_COLOR / FORCE_COLOR, else whether the stream is one."""

from __future__ import annotations

import os


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()
