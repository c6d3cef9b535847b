"""Command line. Parses options, calls the runner, prints. `aoai-migrate PATH...` is the migrate command;
the other commands are loaded only when named, so `--help` and a migrate run stay fast."""

from __future__ import annotations

import importlib
import signal
import sys
from dataclasses import dataclass

import click

from codemod import __version__
from codemod.commands.exit_codes import EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE

# Exit codes (README "Exit codes"): 0 nothing left to do; 1 changes pending or findings need a person;
# 2 usage or configuration error; 3 a file could not be read, decoded or parsed.



class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, `timeout`, `kill`): stops the run as Ctrl-C does."""


def _handle_signals() -> dict[int, object]:
    """Ctrl-C and SIGTERM raise in the main thread, after the file being written (if any) is complete.
    Returns the handlers they replace (none outside the main thread, where Python cannot set handlers)."""

    def interrupted(signum: int, frame: object) -> None:
        writer = sys.modules.get("codemod.run.writer")  # not loaded: nothing is being written
        stop = _raise_for(signum)
        if writer is None:
            stop()
        else:
            writer.interrupt(stop)

    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, interrupted)
    except ValueError:  # not the main thread
        pass
    return previous


def _raise_for(signum: int):
    def stop() -> None:
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    return stop


LAZY_COMMANDS = {
    "advise": ("codemod.advisor.cli:advise", "Explain api-versions and check code against them."),
    "versions": ("codemod.advisor.cli:versions", "List every known dated api-version."),
    "env": ("codemod.commands.env:env", "Print the environment variables the migrated code reads (.env.example)."),
    "doctor": ("codemod.doctor.command:doctor", "Check a live Azure OpenAI resource against the code."),
    "rules": ("codemod.cli:rules", "List the rule codes, or print one rule's full text (rules CODE)."),
}
FORMATS = ("concise", "full", "json", "sarif", "github", "markdown")


class MigrateGroup(click.Group):
    """`aoai-migrate PATH...` runs `migrate`; a known command name runs that command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            target, _ = LAZY_COMMANDS[cmd_name]
            module_name, attr = target.split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [("migrate", "Migrate files to the v1 API (the default: `aoai-migrate PATH...`).")]
        rows += [(name, LAZY_COMMANDS[name][1]) for name in sorted(LAZY_COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[override]
        """Ctrl-C ends with exit code 130 and SIGTERM with 143 (not click's 1, which means "changes pending"
        here); either waits for the file being written, so that every file is old or new."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        previous = _handle_signals()
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Abort as exc:
            terminated = isinstance(exc.__cause__, Terminated)
            click.echo(f"\n{'Terminated' if terminated else 'Interrupted'}: every file is either unchanged or "
                       "completely migrated.", err=True)
            sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        finally:
            for signum, handler in previous.items():  # called in-process (tests, tools): leave them as found
                if handler is not None:  # None: set outside Python, and Python cannot set it back
                    signal.signal(signum, handler)  # type: ignore[arg-type]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and args[0] not in ("--help", "-h", "--version"):
            args = ["migrate", *args]
        return super().parse_args(ctx, args)


@click.group(cls=MigrateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aoai-migrate")
def main() -> None:
    """Move Azure OpenAI code from the dated API (AzureOpenAI + api_version) to Azure's v1 API.

    \b
    aoai-migrate src/            rewrite files in place
    aoai-migrate --diff src/     show what would change, write nothing
    aoai-migrate --check src/    exit 1 if anything would change
    """


@dataclass
class MigrateArgs:
    paths: tuple[str, ...]
    mode: str
    select: str | None
    ignore: str | None
    output_format: str | None
    output: str | None
    exit_zero: bool | None
    exit_non_zero_on_fix: bool | None
    link_base: str | None
    jobs: int | None
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    config: str | None
    require_env: bool
    unsafe_fixes: bool | None
    quiet: bool
    verbose: bool
    interactive: bool
    clean_temp: bool = False
    extend_include: tuple[str, ...] = ()


@main.command("migrate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff; write nothing.")
@click.option("--check", "mode", flag_value="check", help="Write nothing; exit 1 if anything would change.")
@click.option("--select", metavar="CODES", help="Comma-separated rule codes or prefixes to apply (e.g. AOAI2).")
@click.option("--ignore", metavar="CODES", help="Comma-separated rule codes or prefixes to skip.")
@click.option("--output-format", type=click.Choice(FORMATS), help="How findings are printed (default: concise).")
@click.option("--output", metavar="FILE", help="Write the findings report to FILE instead of standard output.")
@click.option("--exit-zero", is_flag=True, default=None,
              help="Exit 0 even when findings need a person or changes are pending (errors still exit 2 or 3).")
@click.option("--exit-non-zero-on-fix", is_flag=True, default=None, help="Exit 1 when a file was rewritten in place.")
@click.option("--link-base", metavar="URL",
              help="Markdown report: link files below URL, e.g. https://github.com/OWNER/REPO/blob/BRANCH/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel processes (default: CPU count).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Exclude paths (replaces the default excludes).")
@click.option("--extend-exclude", multiple=True, metavar="GLOB", help="Exclude paths, added to the defaults.")
@click.option("--extend-include", multiple=True, metavar="GLOB",
              help="Also walk these files for their Python code blocks (e.g. '*.txt', '*.markdown').")
@click.option("--config", metavar="FILE", help="Read [tool.aoai-migrate] from FILE instead of pyproject.toml.")
@click.option("--require-env", is_flag=True, default=None, help="Deployment names become os.environ[NAME].")
@click.option("--unsafe-fixes", is_flag=True, default=None,
              help="Also apply (and show in --diff) the fixes that rely on an assumption; see README \"Unsafe fixes\".")
@click.option("--quiet", "-q", is_flag=True, help="Print only findings that need a person, no summary.")
@click.option("--verbose", "-v", is_flag=True, help="Also list fixed findings and skipped files.")
@click.option("--interactive", "-i", is_flag=True, help="Show each file's diff and ask apply / skip / quit.")
@click.option("--clean-temp", is_flag=True, help="Remove temporary files (*.aoai-tmp) a killed earlier run left.")
def migrate_command(**kwargs: object) -> None:
    """Migrate PATH... (files, directories, or - for standard input) to the v1 API."""
    from codemod.commands.migrate import run_migrate

    kwargs["mode"] = kwargs["mode"] or "write"
    sys.exit(run_migrate(MigrateArgs(**kwargs)))  # type: ignore[arg-type]


@click.command("rules")
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List the rule codes, or print one rule's full text (what it does, why, an example, fix safety)."""
    from codemod.rule_index import summaries

    known = summaries()
    if code is None:
        for listed, summary in known.items():
            click.echo(f"{listed}  {summary}")
        return
    wanted = code.strip().upper()
    if wanted not in known:
        click.echo(f"error: no rule has the code {code!r}; `aoai-migrate rules` lists them.", err=True)
        sys.exit(EXIT_USAGE)
    from codemod.rules import rule_text

    click.echo(rule_text(wanted))
