"""The order of the checks: endpoint shape, code, credentials, the v1 API and authentication (one models
request), api-version left in the code, and the deployment names. A check that fails in a way that makes
the later ones meaningless (no answer, wrong key, wrong path) stops the network checks there.

Deployment names are looked up in a list when one can be had (Azure Resource Manager with `--resource-id`,
else the data-plane listing, each falling back to the next) and probed one by one otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codemod.doctor import arm, deployments, listing
from codemod.doctor.checks import Check, ListedDeployment, Report
from codemod.doctor.code_names import CodeScan, NameUse, ScanError, scan_code
from codemod.doctor.credentials import CredentialError, Credentials, build_entra, fetch_token, resolve
from codemod.doctor.endpoint import EndpointShape, inspect_endpoint
from codemod.doctor.live import DataPlane
from codemod.doctor.reachability import api_version_check, models_checks
from codemod.doctor.redact import Scrubber

ENDPOINT_VARIABLE = "AZURE_OPENAI_ENDPOINT"


class UsageError(Exception):
    pass


@dataclass
class Settings:
    environ: Mapping[str, str]
    endpoint: str | None = None
    paths: tuple[str, ...] = ()
    deployments: tuple[str, ...] = ()  # extra names to check (--deployment)
    timeout: float = 10.0
    resource_id: str | None = None
    arm_endpoint: str = arm.DEFAULT_ARM_ENDPOINT
    credential_factory: str | None = None  # MODULE:CALLABLE building the Entra ID credential
    auth: str = "auto"  # "auto", "key" or "entra"
    scrubber: Scrubber = field(default_factory=Scrubber)


def run_doctor(settings: Settings) -> Report:
    raw, source = _endpoint(settings)
    shape = inspect_endpoint(raw, source)
    try:
        scan = scan_code(settings.paths, settings.environ) if settings.paths else CodeScan()
    except ScanError as exc:
        raise UsageError(str(exc)) from exc
    creds = resolve(settings.environ, settings.credential_factory, settings.timeout, settings.auth)
    settings.scrubber.add(creds.secret)
    report = Report(shape.root, shape.base_url, creds.shown, [shape.check, creds.check, *scan.checks])
    if creds.secret is None:
        report.add(Check("v1 API", "skip", "not checked: no credential"))
        return report
    try:
        plane = DataPlane(shape.base_url, creds.secret, settings.timeout)
    except ImportError as exc:
        raise UsageError("doctor needs the openai package: pip install 'aoai-migrate[doctor]'.") from exc
    checks, reachable = models_checks(plane.models(), shape, creds, settings.timeout)
    report.add(*checks)
    if not reachable:
        report.add(Check("deployments", "skip", "not checked: the checks above must pass first"))
        return report
    if scan.api_version_sites:
        report.add(api_version_check(plane, scan))
    _deployments(report, settings, scan, creds, plane, shape)
    return report


def _endpoint(settings: Settings) -> tuple[str, str]:
    if settings.endpoint:
        return settings.endpoint, "--endpoint"
    value = settings.environ.get(ENDPOINT_VARIABLE, "").strip()
    if not value:
        raise UsageError(f"No endpoint: set {ENDPOINT_VARIABLE} (https://RESOURCE.openai.azure.com/) "
                         "or pass --endpoint.")
    return value, ENDPOINT_VARIABLE


def _names(settings: Settings, scan: CodeScan) -> list[NameUse]:
    """The names to check; a value that is the key or a token is never sent as a deployment name."""
    names = list(scan.names)
    known = {use.name for use in names}
    names += [NameUse(name, None, "--deployment", ()) for name in settings.deployments if name not in known]
    return [use for use in names if not settings.scrubber.knows(use.name)]


PROBE_NOTE = ("one invalid chat request per name, refused before any model runs "
              "(404 DeploymentNotFound: missing; 400: exists)")
SOURCE = {"arm": "ARM", "data-plane": "the data plane"}


def _deployments(report: Report, settings: Settings, scan: CodeScan, creds: Credentials,
                 plane: DataPlane, shape: EndpointShape) -> None:
    names = _names(settings, scan)
    if not names:
        summary = ("no deployment names found in the code" if settings.paths
                   else "no PATH given: pass the source folder to check the names the code uses")
        report.add(Check("deployments", "skip", summary))
        return
    wanted = [use.name for use in names]
    listed = _listing(report, settings, creds, shape)
    if listed is not None:
        verdicts = deployments.from_listing(wanted, listed, SOURCE[report.method or ""])
        candidates = listed
    else:
        report.method, report.method_note = "probe", PROBE_NOTE
        verdicts = deployments.from_probes(wanted, plane.probe)
        candidates = [ListedDeployment(name) for name, verdict in verdicts.items() if verdict.exists]
        if any(v.exists is False for v in verdicts.values()):
            candidates += _probe_candidates(settings.environ, set(wanted), plane)
    for use in names:
        found, check = deployments.judge(use, verdicts[use.name], candidates)
        report.deployments.append(found)
        report.add(check)


def _listing(report: Report, settings: Settings, creds: Credentials,
             shape: EndpointShape) -> list[ListedDeployment] | None:
    """The resource's deployments from ARM (with --resource-id) or the data plane; None: probe instead.
    Sets the report's method, and says why when a preferred listing gave nothing."""
    arm_failed = ""
    if settings.resource_id:
        listed = _arm_listing(report, settings, creds, shape)
        if listed is not None:
            return listed
        arm_failed = "the Azure Resource Manager listing failed (see the deployment listing check)"
    assert creds.secret is not None
    answer = listing.list_deployments(shape.root, creds.secret, creds.kind, settings.timeout)
    if answer.deployments is not None:
        report.method = "data-plane"
        report.method_note = f"{deployments.count(answer.deployments)} from GET {answer.url}"
        report.method_reason = arm_failed
        return list(answer.deployments)
    refused = f"the data-plane listing gave no list: {answer.refusal}"
    report.method_reason = f"{arm_failed}; {refused}" if arm_failed else refused
    return None


def _probe_candidates(environ: Mapping[str, str], checked: set[str], plane: DataPlane) -> list[ListedDeployment]:
    """Deployment names set in other *OPENAI*DEPLOYMENT* variables: probed only to suggest them."""
    values = {value.strip() for name, value in environ.items()
              if "OPENAI" in name.upper() and "DEPLOYMENT" in name.upper() and value.strip()}
    verdicts = deployments.from_probes(values - checked, plane.probe)
    return [ListedDeployment(name) for name, verdict in verdicts.items() if verdict.exists]


def _arm_listing(report: Report, settings: Settings, creds: Credentials,
                 shape: EndpointShape) -> list[ListedDeployment] | None:
    assert settings.resource_id is not None
    try:
        entra = creds.entra if creds.entra is not None else build_entra(settings.credential_factory)
        token = fetch_token(entra, arm.arm_scope(settings.arm_endpoint), settings.timeout)
        settings.scrubber.add(token)
        listed = arm.list_deployments(settings.arm_endpoint, settings.resource_id, token, settings.timeout)
    except (CredentialError, arm.ArmError) as exc:
        report.add(Check("deployment listing", "warn", "the Azure Resource Manager listing failed",
                         reason=exc.reason, fix=exc.fix))
        return None
    report.method = "arm"
    report.method_note = f"{deployments.count(listed)} of {arm.account_name(settings.resource_id)}"
    host = shape.root.split("//", 1)[-1].split(".", 1)[0].lower()
    if not shape.root.startswith("http://") and host != arm.account_name(settings.resource_id).lower():
        report.add(Check("resource ID", "warn", f"--resource-id names {arm.account_name(settings.resource_id)}, "
                         f"the endpoint {host}", reason="The deployments listed may not be the endpoint's.",
                         fix="Check both point at the same resource (its custom subdomain may differ)."))
    return listed
