"""The migrate command: configuration, discovery, the run, and what is printed about it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from codemod.cli import EXIT_FILE_ERROR, EXIT_OK, EXIT_PENDING, EXIT_USAGE, display_path, use_color
from codemod.commands import exit_policy
from codemod.commands.diffs import colour, unified_diff
from codemod.findings import Finding
from codemod.options import Options
from codemod.rule_index import summaries
from codemod.run import config as config_mod

if TYPE_CHECKING:
    from codemod.cli import MigrateArgs
    from codemod.run.runner import FileOutcome, RunResult

PROGRESS_MIN_FILES = 200


class UsageError(Exception):
    pass


def run_migrate(args: MigrateArgs) -> int:
    try:
        cfg = load_config(args.config, args.paths)
        options = build_options(args.select, args.ignore, args.require_env, cfg)
        policy = exit_policy.resolve(args.exit_zero, args.exit_non_zero_on_fix, cfg.exit_zero, cfg.exit_non_zero_on_fix)
    except (config_mod.ConfigError, UsageError, exit_policy.ExitPolicyError) as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USAGE
    if args.paths == ("-",):
        return policy.apply(_run_stdin(options), rewrote=False)  # the result goes to stdout, not in place
    if "-" in args.paths:
        click.echo("error: '-' (standard input) cannot be combined with other paths.", err=True)
        return EXIT_USAGE
    project: list[Path] | None = [] if _wants_project_files(options) else None
    unreadable: list[tuple[Path, str]] = []
    temp_files: list[Path] = []
    files = discover_files(args.paths, args.exclude or cfg.exclude, [*cfg.extend_exclude, *args.extend_exclude],
                           args.verbose, project, unreadable, temp_files)
    if files is None:
        return EXIT_USAGE
    from codemod.run.leftovers import report_leftovers

    report_leftovers(temp_files, [Path(p) for p in args.paths if os.path.isfile(p)], args.clean_temp)
    mode = "diff" if args.interactive else args.mode
    from codemod.run import runner

    jobs = args.jobs or cfg.jobs
    with _progress(len(files), args.quiet) as on_done:
        result = runner.run(files, options, mode, jobs, on_done)  # type: ignore[arg-type]
    if project is not None:
        result.project_findings = project_findings(project + env_files(args.paths), result, options)
    result.outcomes += [runner.unreadable(path, reason) for path, reason in unreadable]
    if args.interactive:
        return _interactive(result, policy)
    fmt = args.output_format or cfg.output_format or "concise"
    if args.mode == "diff":
        _print_diffs(result, to_stderr=fmt in ("json", "sarif", "github", "markdown") and not args.output)
    elif args.mode == "check" and not args.quiet:
        for outcome in result.outcomes:
            if outcome.status == "changed":
                click.echo(f"would migrate {_shown(outcome)}", err=True)
    if fmt not in ("concise", "full", "json", "sarif", "github", "markdown"):
        click.echo(f"error: unknown output-format {fmt!r} in {cfg.path}.", err=True)
        return EXIT_USAGE
    _report(result, fmt, args, args.mode)
    return policy.apply(exit_code(result, args.mode), rewrote=args.mode == "write" and result.count("changed") > 0)


PROJECT_CODES = ("AOAI306", "AOAI307", "AOAI308")


def _wants_project_files(options: Options) -> bool:
    return any(options.enabled(code) for code in PROJECT_CODES)


def project_findings(files: list[Path], result: RunResult, options: Options) -> list[Finding]:
    """AOAI306 (openai pins in dependency files) and AOAI307/308 (api-versions in configuration files)."""
    from codemod.advisor import tree

    wanted = [code for code in PROJECT_CODES if options.enabled(code)]
    return [f for f in tree.outside_python(sorted(set(files)), result.sdk_needs()) if f.code in wanted]


def env_files(paths: tuple[str, ...]) -> list[Path]:
    """`.env*` files in the named folders and one level below: usually gitignored, yet where a deployment's
    api-version lives (AOAI307). Not a full walk, so large trees stay fast."""
    found: list[Path] = []
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            continue
        for folder in [root, *(p for p in _subdirs(root))]:
            found.extend(p for p in _subdirs(folder, files=True) if p.name == ".env" or p.name.startswith(".env."))
    return found


def _subdirs(folder: Path, files: bool = False) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [Path(e.path) for e in entries if (e.is_file(follow_symlinks=False) if files else
                                              e.is_dir(follow_symlinks=False) and e.name not in (".git", ".venv"))]


def load_config(explicit: str | None, paths: tuple[str, ...]) -> config_mod.Config:
    if explicit:
        return config_mod.load(Path(explicit), explicit=True)
    start = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    if not start.exists():
        start = Path.cwd()
    return config_mod.load(config_mod.find_pyproject(start))


def _codes(raw: str | None, fallback: list[str] | None, flag: str) -> list[str] | None:
    values = [c.strip().upper() for c in raw.split(",") if c.strip()] if raw else fallback
    if values is None:
        return None
    for code in values:
        if code != "ALL" and not any(known.startswith(code) for known in summaries()):
            raise UsageError(f"{flag} {code}: no rule code starts with {code!r} (see `aoai-migrate rules`).")
    return values


def build_options(select: str | None, ignore: str | None, require_env: bool | None, cfg) -> Options:
    selected = _codes(select, cfg.select, "--select")
    ignored = _codes(ignore, cfg.ignore, "--ignore") or []
    if selected is not None and "ALL" in selected:
        selected = None
    return Options(
        select=frozenset(selected) if selected is not None else None,
        ignore=frozenset(ignored),
        require_env=cfg.require_env if require_env is None else require_env,
        deployment_prefix=cfg.deployment_prefix,
        deployments=dict(cfg.deployments),
    )


def discover_files(
    paths,
    exclude,
    extend_exclude,
    verbose: bool,
    project: list[Path] | None = None,
    unreadable: list[tuple[Path, str]] | None = None,
    temp_files: list[Path] | None = None,
) -> list[tuple[Path, str]] | None:
    """The .py and .ipynb files to migrate; when `project` is a list, the configuration and dependency files
    the advisor reads are collected into it by the same walk; named paths that are not regular files and
    directories that cannot be listed go into `unreadable`, with why; temporary files of an interrupted
    earlier run into `temp_files`. None (after printing why) when a named path does not exist."""
    from codemod.run.discovery import discover

    include = None
    if project is not None:
        from codemod.advisor.tree import wanted as include
    found = discover([Path(p) for p in paths], exclude=exclude, extend_exclude=extend_exclude,
                     **({"include": include} if include else {}))
    if found.missing:
        for path in found.missing:
            click.echo(f"error: {path}: no such file or directory.", err=True)
        return None
    named = {str(Path(p)) for p in paths}
    if unreadable is not None:
        unreadable += [(d.path, f"{d.reason}; the files in it were not migrated") for d in found.unlisted]
    if temp_files is not None:
        temp_files += found.temp_files
    for skipped in found.skipped:
        if str(skipped.path) in named and unreadable is not None:  # named, yet not a file we can read
            unreadable.append((skipped.path, f"cannot read it: {skipped.reason}"))
            continue
        if verbose:
            click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    is_code = [f.path.suffix in (".py", ".ipynb") or f.explicit for f in found.files]
    code = [f for f, keep in zip(found.files, is_code, strict=True) if keep]
    if project is not None:
        project.extend(f.path for f, keep in zip(found.files, is_code, strict=True) if not keep)
    return [(f.path, display_path(f.path)) for f in code]


def _run_stdin(options: Options) -> int:
    """`aoai-migrate -`: source on stdin, the result on stdout (the input unchanged when it cannot be migrated)."""
    from codemod.run import runner

    data = sys.stdin.buffer.read()
    outcome = runner.migrate_bytes(Path("-"), data, options, "-")
    sys.stdout.buffer.write(outcome.new if outcome.status == "changed" and outcome.new is not None else data)
    sys.stdout.flush()
    for finding in outcome.findings:
        if finding.needs_person:
            click.echo(f"-:{finding.line}:{finding.column}: {finding.code} {finding.message}", err=True)
    if outcome.status == "error":
        return EXIT_FILE_ERROR
    return EXIT_PENDING if any(f.needs_person for f in outcome.findings) else EXIT_OK


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int, quiet: bool):
    if quiet or total < PROGRESS_MIN_FILES or os.environ.get("CI") or not sys.stderr.isatty():
        return _NoProgress()
    from codemod.commands.progress import Progress

    return Progress(total)


def _print_diffs(result: RunResult, to_stderr: bool) -> None:
    """Diffs go to standard output, or to standard error when stdout carries a JSON/SARIF/GitHub report."""
    stream = sys.stderr if to_stderr else sys.stdout
    coloured = use_color(stream)
    for outcome in result.outcomes:
        if outcome.status == "changed":
            diff = unified_diff(outcome, _shown(outcome))
            click.echo(colour(diff) if coloured else diff, nl=False, color=coloured, err=to_stderr)


def _shown(outcome: FileOutcome) -> str:
    return outcome.findings[0].path if outcome.findings else display_path(outcome.path)


def _report(result: RunResult, fmt: str, args: MigrateArgs, mode: str) -> None:
    """The findings in `fmt`, then (text formats) the summary, which counts exactly the findings listed."""
    from codemod.commands import reporting

    findings = result.findings
    if fmt in ("concise", "full") and not args.verbose:
        findings = [f for f in findings if (f.needs_person if args.quiet else not f.fixed)]
    counts = reporting.RunCounts(
        files_checked=len(result.outcomes),
        files_changed=result.count("changed"),
        files_failed=result.count("error"),
        dry_run=mode != "write",
    )
    sources = _sources(result) if fmt == "full" else {}
    if fmt == "markdown":
        from codemod.commands import markdown_report, pr_body

        body = pr_body.build(result, mode, pr_body.command_line(args), link_base=args.link_base)
        text = markdown_report.render(body)
    else:
        text = reporting.render(findings, fmt, counts=counts if fmt == "sarif" else None, sources=sources)
    if args.output:
        Path(args.output).write_text(text + ("\n" if text and not text.endswith("\n") else ""), encoding="utf-8")
    elif text:
        click.echo(text, nl=not text.endswith("\n"))
    if fmt in ("concise", "full") and not args.quiet:
        click.echo(summary(result, mode, findings), err=bool(args.output) or mode == "diff")


def _sources(result: RunResult) -> dict:
    """Original text per shown path for the `full` format (cells for notebooks), credentials masked."""
    from codemod.advisor.credentials import mask_secrets
    from codemod.notebook import code_cells

    sources: dict = {}
    for outcome in result.outcomes:
        if outcome.path.suffix == ".ipynb" and outcome.original is not None and outcome.status != "error":
            sources[_shown(outcome)] = {n: mask_secrets(t) for n, t in code_cells(outcome.original).items()}
        elif outcome.old_text:
            sources[_shown(outcome)] = mask_secrets(outcome.old_text)
    return sources


def summary(result: RunResult, mode: str, listed: list[Finding] | None = None) -> str:
    """What the run did, and a count of the `listed` findings (by default, those not fixed) that agrees with
    the lines printed: each file that could not be migrated is one AOAI000 line, counted as a file; the
    others need a person, are for information, or (with --verbose) were fixed."""
    listed = [f for f in result.findings if not f.fixed] if listed is None else listed
    changed = result.count("changed")
    files = "file" if changed == 1 else "files"
    verb = {"write": f"{changed} {files} migrated", "diff": f"{changed} {files} would be migrated",
            "check": f"{changed} {files} would be migrated"}[mode]
    parts = [verb, f"{result.count('unchanged') + result.count('skipped')} unchanged"]
    failures = {id(f) for o in result.outcomes if o.status == "error" for f in o.findings
                if f.code == "AOAI000" and f.cell is None}
    listed = [f for f in listed if id(f) not in failures]
    need = sum(1 for f in listed if f.needs_person)
    if need:
        parts.append(f"{need} finding{'s' if need != 1 else ''} need{'s' if need == 1 else ''} a person")
    failed = result.count("error")
    if failed:
        parts.append(f"{failed} file{'s' if failed != 1 else ''} could not be migrated")
    return ", ".join(parts) + "." + _also_listed(listed)


def _also_listed(listed: list[Finding]) -> str:
    """` Also listed: 2 findings for information, 3 fixed.` for the listed findings that need no person."""
    info = sum(1 for f in listed if not f.fixed and f.level == "info")
    fixed = sum(1 for f in listed if f.fixed)
    groups = [(n, label) for n, label in ((info, "for information"), (fixed, "fixed")) if n]
    if not groups:
        return ""
    first, rest = groups[0], groups[1:]
    words = [f"{first[0]} finding{'s' if first[0] != 1 else ''} {first[1]}"] + [f"{n} {label}" for n, label in rest]
    return " Also listed: " + ", ".join(words) + "."


def exit_code(result: RunResult, mode: str) -> int:
    if result.count("error"):
        return EXIT_FILE_ERROR
    pending = mode != "write" and result.count("changed") > 0
    if pending or any(f.needs_person for f in result.findings):
        return EXIT_PENDING
    return EXIT_OK


def _interactive(result: RunResult, policy: exit_policy.ExitPolicy) -> int:
    from codemod.run.writer import WriteError, write_atomic

    coloured = use_color(sys.stdout)
    skipped = applied = 0
    for outcome in result.outcomes:
        if outcome.status != "changed":
            continue
        diff = unified_diff(outcome, _shown(outcome))
        click.echo(colour(diff) if coloured else diff, nl=False, color=coloured)
        answer = click.prompt(f"Apply to {_shown(outcome)}? [a]pply/[s]kip/[q]uit",
                              type=click.Choice(["a", "s", "q"]), show_choices=False)
        if answer == "q":
            click.echo("Stopped; the remaining files are unchanged.")
            return policy.apply(EXIT_PENDING, rewrote=applied > 0)
        if answer == "s":
            skipped += 1
            continue
        assert outcome.original is not None and outcome.new is not None
        try:
            write_atomic(outcome.path, outcome.original, outcome.new)
            click.echo(f"Migrated {_shown(outcome)}.")
            applied += 1
        except WriteError as exc:
            click.echo(f"error: {_shown(outcome)}: {exc}", err=True)
            return EXIT_FILE_ERROR
    need = any(f.needs_person for f in result.findings)
    return policy.apply(EXIT_PENDING if skipped or need else EXIT_OK, rewrote=applied > 0)
