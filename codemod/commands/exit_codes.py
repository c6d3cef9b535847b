"""The exit codes of every command, in one place (the README's "Exit codes" table)."""

from __future__ import annotations

import signal

EXIT_OK = 0  # done, nothing left to do
EXIT_PENDING = 1  # changes pending (--check, --diff), findings that need a person, a doctor check that failed
EXIT_USAGE = 2  # usage or configuration error, an unknown api-version given to `advise`
EXIT_FILE_ERROR = 3  # a file could not be read, decoded, parsed or written (the others were processed)
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, the shells' convention
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
