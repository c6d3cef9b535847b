"""What the engine hands back for one module: its new text, its findings, and one record of what the file tells the
rest of a run (made by the engine, carried through notebooks and the runner as it is: no field-by-field copies)."""

from __future__ import annotations

from dataclasses import dataclass, field

from codemod.findings import Finding


@dataclass
class FileRecord:
    deployments: dict[str, str] = field(default_factory=dict)  # literal -> environment variable NAME (AOAI201)
    env_reads: set[str] = field(default_factory=set)  # environment variables the migrated code reads
    sdk_needs: dict[str, str] = field(default_factory=dict)  # reason -> minimum openai version (AOAI306)
    # module-level names of clients whose client-level deployment moved to their requests' model= (AOAI105):
    # another file importing one would keep its own model=, so the runner looks for importers
    exported_clients: set[str] = field(default_factory=set)
    # module-level factories returning such a client, their uses here in sight: name -> (deployment, line)
    factories: dict[str, tuple[str, int]] = field(default_factory=dict)
    # "module:factory" imported here (options.factory_imports) -> "" when its uses here are followed, else why not
    factory_uses: dict[str, str] = field(default_factory=dict)
    # factory (its name here, or "module:factory" when imported) -> what here holds its client where another module
    # can import it: module-level names (`client = get_client()`) and classes (`self.client = get_client()`)
    factory_exports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # attribute names a migrated client is stored under (`bp.openai_client = AzureOpenAI(...)`): another file may
    # read a private Azure attribute through them (codemod/run/private_reads.py)
    client_attributes: set[str] = field(default_factory=set)
    # Azure class -> line of the first isinstance/issubclass check here that tests a value the tool cannot follow
    # to a client of this file for it (a client another file built may reach it: codemod/run/runner.py)
    class_checks: dict[str, int] = field(default_factory=dict)
    # Azure classes of the clients this file moved that another file can reach (returned, passed on, stored on an
    # object or under a module-level name)
    reachable_clients: set[str] = field(default_factory=set)

    def merge(self, other: FileRecord) -> None:
        self.deployments.update(other.deployments)
        self.env_reads |= other.env_reads
        self.sdk_needs.update(other.sdk_needs)
        self.exported_clients |= other.exported_clients
        self.factories.update(other.factories)
        self.factory_uses.update(other.factory_uses)
        self.factory_exports.update(other.factory_exports)
        self.client_attributes |= other.client_attributes
        for qualified, line in other.class_checks.items():
            self.class_checks.setdefault(qualified, line)
        self.reachable_clients |= other.reachable_clients

    def read_env(self, name: str) -> None:
        self.env_reads.add(name)


@dataclass
class MigrationResult:
    source: str
    findings: list[Finding]
    record: FileRecord = field(default_factory=FileRecord)

    def changed(self, original: str) -> bool:
        return self.source != original
