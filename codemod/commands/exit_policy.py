"""`--exit-zero` and `--exit-non-zero-on-fix` (as in ruff): how a run's exit code is adjusted for the engines
that open pull requests. Multi-gitter, Sourcegraph batch changes and a GitHub Actions job take any non-zero
exit as a failed run and open no pull request, so a rollout passes `--exit-zero`; a pre-commit hook or a CI
job that must notice a rewrite passes `--exit-non-zero-on-fix`. Errors (2: usage or configuration, 3: a file
could not be read, parsed or written) are never hidden."""

from __future__ import annotations

from dataclasses import dataclass

OK, PENDING = 0, 1  # the codes this policy may change; README "Exit codes" lists them all


class ExitPolicyError(ValueError):
    """The two flags were both asked for: they contradict each other."""


@dataclass(frozen=True)
class ExitPolicy:
    exit_zero: bool = False
    non_zero_on_fix: bool = False

    def apply(self, code: int, rewrote: bool) -> int:
        """The exit code for a run that would exit `code`; `rewrote`: a file was rewritten in place."""
        if code not in (OK, PENDING):
            return code
        if self.exit_zero:
            return OK
        if self.non_zero_on_fix and rewrote:
            return PENDING
        return code


def resolve(exit_zero: bool | None, non_zero_on_fix: bool | None, config_exit_zero: bool = False,
            config_non_zero_on_fix: bool = False) -> ExitPolicy:
    """Flags win over the configuration as a pair: naming either flag sets both from the command line."""
    if exit_zero and non_zero_on_fix:
        raise ExitPolicyError(
            "--exit-zero and --exit-non-zero-on-fix contradict each other (one exits 0, the other 1 after a "
            "rewrite); pass one of them."
        )
    if exit_zero or non_zero_on_fix:
        return ExitPolicy(bool(exit_zero), bool(non_zero_on_fix))
    return ExitPolicy(config_exit_zero, config_non_zero_on_fix)
