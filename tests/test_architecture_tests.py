"""The test suite's own structure: no test module or conftest.py imports a test module or a conftest.py.

Shared helpers live in plain modules (tests/samples.py, tests/support/, tests/factories/, a block's helper
module such as tests/portal/application_journey.py); shared fixtures live in a conftest.py or a plugin of
tests/fixtures/, where pytest finds them. Importing a test module runs its module-level code again and
registers its fixtures in the importer; importing a conftest.py bypasses pytest's fixture scoping.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def imported_modules(source: str, package: str) -> list[str]:
    """Every module ``source`` (a module of ``package``) imports, anywhere in it (inside functions too), as
    absolute dotted names; ``from package import name`` counts both ``package`` and ``package.name``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(path: Path) -> list[str]:
    package = ".".join(path.relative_to(TESTS.parent).parts[:-1])
    modules = imported_modules(path.read_text(encoding="utf-8"), package)
    return sorted({module for module in modules if is_test_or_conftest(module)})


def test_imports_of_test_modules_and_conftests_are_recognised():
    source = (
        "from .conftest import PASSWORD\n"
        "from . import test_views, urls\n"
        "import tests.test_cli\n"
        "def helper():\n"
        "    from ..workflow.conftest import flow\n"
        "from tests.samples import PDF_BYTES\n"
        "from tests.support.bpmn import process\n"
    )
    found = imported_modules(source, "tests.portal")
    assert sorted({module for module in found if is_test_or_conftest(module)}) == [
        "tests.portal.conftest",
        "tests.portal.test_views",
        "tests.test_cli",
        "tests.workflow.conftest",
    ]


def test_no_test_module_or_conftest_imports_a_test_module_or_a_conftest():
    importers = [*TESTS.rglob("test_*.py"), *TESTS.rglob("conftest.py")]
    offending = {str(path.relative_to(TESTS.parent)): forbidden_imports(path) for path in importers}
    offending = {path: modules for path, modules in offending.items() if modules}
    assert offending == {}, (
        "Move shared helpers into tests/support, tests/factories or tests/samples.py and shared fixtures "
        f"into a conftest.py: {offending}"
    )
