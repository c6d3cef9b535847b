"""The migrate command: configuration, discovery, the run, and what is printed about it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from codemod.commands import exit_policy
from codemod.commands.diffs import colour, unified_diff
from codemod.commands.exit_codes import EXIT_FILE_ERROR, EXIT_OK, EXIT_PENDING, EXIT_USAGE
from codemod.commands.terminal import use_color
from codemod.findings import Finding
from codemod.options import Options
from codemod.run.discovery import display_path
from codemod.run.project import Project, ProjectError, build_options, load_config, load_project

if TYPE_CHECKING:
    from codemod.cli import MigrateArgs
    from codemod.run.runner import FileOutcome, RunResult

PROGRESS_MIN_FILES = 200


FORMATS = ("concise", "full", "json", "sarif", "github", "markdown")


def run_migrate(args: MigrateArgs) -> int:
    try:
        cfg = load_config(args.config, args.paths)
        options = build_options(args.select, args.ignore, args.require_env, cfg, args.unsafe_fixes)
        policy = exit_policy.resolve(args.exit_zero, args.exit_non_zero_on_fix, cfg.exit_zero, cfg.exit_non_zero_on_fix)
    except (ProjectError, exit_policy.ExitPolicyError) as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USAGE
    fmt = args.output_format or cfg.output_format or "concise"
    if fmt not in FORMATS:  # before anything is written
        click.echo(f"error: unknown output-format {fmt!r} in {cfg.path}; use one of {', '.join(FORMATS)}.", err=True)
        return EXIT_USAGE
    if args.paths == ("-",):
        return policy.apply(_run_stdin(options), rewrote=False)  # the result goes to stdout, not in place
    if "-" in args.paths:
        click.echo("error: '-' (standard input) cannot be combined with other paths.", err=True)
        return EXIT_USAGE
    jobs = args.jobs or cfg.jobs or os.cpu_count() or 1
    if jobs > 1 and not args.interactive and any(map(os.path.isdir, args.paths)):
        from codemod.run import pool

        pool.warm_up("codemod.migration")  # a walk may find many files to parse: the workers' imports start now
    try:
        project = load_project(args.paths, config=args.config, select=args.select, ignore=args.ignore,
                               require_env=args.require_env, unsafe_fixes=args.unsafe_fixes, exclude=args.exclude,
                               extend_exclude=args.extend_exclude, extend_include=args.extend_include)
    except ProjectError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USAGE
    if args.verbose:
        for skipped in project.skipped:
            click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    from codemod.run.leftovers import report_leftovers

    report_leftovers(project.temp_files, [Path(p) for p in args.paths if os.path.isfile(p)], args.clean_temp)
    result = _run(project, args)
    if args.interactive:
        return _interactive(result, policy)
    if args.mode == "diff":
        _print_diffs(result, to_stderr=fmt in ("json", "sarif", "github", "markdown") and not args.output)
    elif args.mode == "check" and not args.quiet:
        for outcome in result.outcomes:
            if outcome.status == "changed":
                click.echo(f"would migrate {_shown(outcome)}", err=True)
    _report(result, fmt, args, args.mode)
    return policy.apply(exit_code(result, args.mode), rewrote=args.mode == "write" and result.count("changed") > 0)


def _run(project: Project, args: MigrateArgs) -> RunResult:
    from codemod.run import runner

    mode = "diff" if args.interactive else args.mode
    # Dependency, documentation, settings and infrastructure files go to their kinds (codemod/kinds/), which
    # also make the project findings (AOAI306 for openai pins, AOAI307/308 for api-versions): said once, per file.
    with _progress(len(project.files) + len(project.kind_files), args.quiet) as on_done:
        result = runner.run(project.files, project.options, mode, args.jobs or project.config.jobs, on_done,
                            kind_files=project.kind_files, keep_bytes=False)
    result.outcomes += [runner.unreadable(path, reason) for path, reason in project.unreadable]
    return result


def _run_stdin(options: Options) -> int:
    """`aoai-migrate -`: source on stdin, the result on stdout (the input unchanged when it cannot be migrated)."""
    from codemod.run import runner

    data = sys.stdin.buffer.read()
    outcome = runner.migrate_bytes(Path("-"), data, options, "-")
    sys.stdout.buffer.write(outcome.new if outcome.status == "changed" and outcome.new is not None else data)
    sys.stdout.flush()
    from codemod.commands.reporting import hidden_fixes, label

    for finding in outcome.findings:
        if finding.needs_person:
            click.echo(f"-:{finding.line}:{finding.column}: {label(finding)} {finding.message}", err=True)
    if hidden_fixes(outcome.findings):
        click.echo(hidden_fixes(outcome.findings), err=True)
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
    from codemod.commands.reporting import hidden_fixes

    hidden = hidden_fixes(result.findings)
    return ", ".join(parts) + "." + _also_listed(listed) + (f"\n{hidden}" if hidden else "")


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
