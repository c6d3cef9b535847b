"""`aoai-migrate doctor [PATH...]`: parse the options, run the checks, print the report, set the exit code
(0 every check passed, 1 a check failed, 2 a usage or configuration error)."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

import click

from codemod.commands.exit_codes import EXIT_OK, EXIT_PENDING, EXIT_USAGE
from codemod.doctor import arm
from codemod.doctor.endpoint import LOOPBACK_HOSTS

ARM_ENDPOINT_VARIABLE = "AOAI_MIGRATE_ARM_ENDPOINT"


@click.command("doctor")
@click.argument("paths", nargs=-1)
@click.option("--endpoint", metavar="URL", help="Resource endpoint (default: $AZURE_OPENAI_ENDPOINT).")
@click.option("--deployment", "deployments", multiple=True, metavar="NAME",
              help="Also check this deployment name (repeatable).")
@click.option("--resource-id", metavar="ID",
              help="The resource's ARM ID: list its deployments through Azure Resource Manager (Entra ID).")
@click.option("--arm-endpoint", envvar=ARM_ENDPOINT_VARIABLE, default=arm.DEFAULT_ARM_ENDPOINT,
              show_default=True, metavar="URL", help=f"Azure Resource Manager endpoint (${ARM_ENDPOINT_VARIABLE}).")
@click.option("--credential-factory", metavar="MODULE:CALLABLE",
              help="Build the Entra ID credential with this callable (default: azure.identity's "
              "DefaultAzureCredential).")
@click.option("--auth", type=click.Choice(["auto", "key", "entra"]), default="auto", show_default=True,
              help="Credential to check: auto is the key when AZURE_OPENAI_API_KEY is set, else Entra ID.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def doctor(paths: tuple[str, ...], endpoint: str | None, deployments: tuple[str, ...], resource_id: str | None,
           arm_endpoint: str, credential_factory: str | None, auth: str, timeout: float, output_format: str) -> None:
    """Check a live Azure OpenAI resource against the code in PATH: endpoint, v1 API, authentication, and
    every deployment name the migrated code will use. Reads AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY
    (Entra ID through azure-identity when no key is set). The key is never printed."""
    from codemod.doctor.redact import Scrubber
    from codemod.doctor.run import Settings, UsageError

    scrubber = Scrubber()
    try:
        settings = Settings(os.environ, endpoint, paths, deployments, timeout, _resource_id(resource_id),
                            _arm_endpoint(arm_endpoint), credential_factory, auth, scrubber)
        from codemod.doctor.run import run_doctor

        report = run_doctor(settings)
    except UsageError as exc:
        click.echo(scrubber.scrub(f"error: {exc}"), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(scrubber.scrub(_render(report, output_format)), nl=False, color=_colour(output_format))
    sys.exit(EXIT_PENDING if report.failed else EXIT_OK)


def _render(report, output_format: str) -> str:
    from codemod.doctor.report import render_json, render_text

    return render_json(report) if output_format == "json" else render_text(report, _colour(output_format))


def _colour(output_format: str) -> bool:
    from codemod.commands.terminal import use_color

    return output_format == "text" and use_color(sys.stdout)


def _resource_id(value: str | None) -> str | None:
    from codemod.doctor.run import UsageError

    if value is None:
        return None
    try:
        return arm.parse_resource_id(value)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _arm_endpoint(value: str) -> str:
    """https, or http on a loopback host (a local test server): ARM gets a bearer token."""
    from codemod.doctor.run import UsageError

    parts = urlsplit(value.strip())
    if parts.scheme == "https" or (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS):
        return value.strip().rstrip("/")
    raise UsageError(f"--arm-endpoint {value!r}: use an https:// URL (the token is sent there).")
