"""The layers of docs/architecture.md hold: the import-linter contracts in pyproject.toml are kept, and
each block cycle the code once hid behind imports inside functions would break them again.

Runs inside the suite so that the README's test command and CI enforce the same contracts as
`lint-imports` on the command line.
"""

import copy
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "pyproject.toml")


@pytest.fixture(scope="module")
def configuration():
    use_cases._register_built_in_contract_types()
    return api.read_configuration(CONFIG)


@pytest.fixture(scope="module")
def graph():
    # Imports inside functions are part of the graph: grimp reads every import statement.
    return grimp.build_graph("congso", cache_dir=None)


def _contract(configuration, contract_id):
    for options in configuration["contracts_options"]:
        if options.get("id") == contract_id:
            contract_class = use_cases.registry.get_contract_class(options["type"])
            return contract_class(
                name=options["name"],
                session_options=configuration["session_options"],
                contract_options=options,
            )
    raise AssertionError(f"no contract {contract_id!r} in pyproject.toml")


CONTRACT_IDS = [
    "layers",
    "formengine-pure",
    "shell-composes-nothing",
    "process-authority",
    "project-composes",
    "lgsp-core",
    "lgsp-beside-catalog",
]


@pytest.mark.parametrize("contract_id", CONTRACT_IDS)
def test_the_contract_is_kept(configuration, graph, contract_id):
    contract = _contract(configuration, contract_id)
    # A contract may remove its ignored imports from the graph it checks: give each one a copy.
    check = contract.check(copy.deepcopy(graph), verbose=False)
    assert check.kept, f"import contract {contract.name!r} is broken (run `lint-imports` to see where)"


def test_every_contract_is_checked_here(configuration):
    assert sorted(o["id"] for o in configuration["contracts_options"]) == sorted(CONTRACT_IDS)


# The four cycles a review found, each as the import that made it (now gone), and the contract that
# must catch it if it comes back.
REINTRODUCED_CYCLES = [
    # dossiers ↔ workspace: the shell computed the dossiers' home summary itself.
    ("congso.workspace.views", "congso.dossiers.inbox", "layers"),
    # workflow ↔ workspace: the shell asked workflow whether to show monitoring.
    ("congso.workspace.permissions", "congso.workflow.services", "layers"),
    # dossiers → workflow.inbox: the dossier page listed the process's work items itself.
    ("congso.dossiers.views", "congso.workflow.inbox", "layers"),
    # dossiers → portal's form engine: the engine lived inside the citizen portal.
    ("congso.dossiers.views", "congso.portal.services", "layers"),
    # and the shell may not reach a framed block even where the layers alone would allow it
    ("congso.workspace.views", "congso.identity.services", "shell-composes-nothing"),
    ("congso.formengine.rendering", "congso.identity.services", "formengine-pure"),
    # a view or another workflow module reaching for the process's authority
    ("congso.workflow.task_views", "congso.dossiers.process_authority", "process-authority"),
    ("congso.portal.views.dossier_requests", "congso.dossiers.process_authority", "process-authority"),
    # the LGSP's registry and token code (what the gateway loads) reaching the workspace shell, and the
    # LGSP reaching the catalogue: its layer sits above the shell only for its catalogue pages
    ("congso.lgsp.services.registry", "congso.workspace.registry", "lgsp-core"),
    ("congso.lgsp.views", "congso.catalog.services", "lgsp-beside-catalog"),
    # and a block below it calling the LGSP
    ("congso.catalog.services", "congso.lgsp.services", "layers"),
    # the simulators of national systems stand beside the form engine: no procedures, no dossiers, and
    # neither knows the other
    ("congso.sandbox.views", "congso.catalog.services", "layers"),
    ("congso.sandbox.population", "congso.dossiers.services", "layers"),
    ("congso.sandbox.demo", "congso.formengine.prefill", "layers"),
    ("congso.formengine.prefill", "congso.sandbox.services", "layers"),
    ("congso.sandbox.views", "congso.demo", "project-composes"),
    # and the LGSP may read the simulators' list (a lower layer), never the other way round
    ("congso.sandbox.services", "congso.lgsp.services", "layers"),
]


@pytest.mark.parametrize(("importer", "imported", "contract_id"), REINTRODUCED_CYCLES)
def test_a_reintroduced_cycle_breaks_the_contract(configuration, graph, importer, imported, contract_id):
    changed = copy.deepcopy(graph)
    changed.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    contract = _contract(configuration, contract_id)
    assert not contract.check(changed, verbose=False).kept


def test_inside_dossiers_only_the_permission_module_imports_the_process_authority(graph):
    """The forbidden contract covers the other blocks; inside ``dossiers`` the services reach the token's
    checks through ``dossiers.permissions`` and nothing in the block issues one."""
    importers = graph.find_modules_that_directly_import("congso.dossiers.process_authority")
    assert importers == {"congso.dossiers.permissions", "congso.workflow.engine"}
