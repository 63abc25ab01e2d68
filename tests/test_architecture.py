"""The shape of the package holds: small modules, the direction of dependencies, one owner for
each outside thing, no import circles, each package's docstring listing the modules it holds.
Read from the source with `ast`, imports inside functions included."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "medlemsrutiner"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from medlemsrutiner.sheet import cells` imports the module sheet.cells
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _internal(path: Path) -> set[str]:
    return {name for name in _imports(path) if name in MODULES}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_500_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by responsibility"


PURE_LAYERS = {"steps", "sheet", "plan", "letterfile", "settings", "reports", "wording"}
SHELL = {"adapters", "routines", "cli", "config", "letters"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in PURE_LAYERS))
def test_the_pure_core_imports_no_adapter_routine_config_or_letter(module: str) -> None:
    reaching = {name for name in _internal(MODULES[module]) if _layer(name) in SHELL}
    assert not reaching, f"{module} imports {sorted(reaching)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "sheet"))
def test_the_workbook_contract_depends_on_nothing_above_it(module: str) -> None:
    above = {
        n for n in _internal(MODULES[module]) if _layer(n) not in {"sheet", "errors", "wording"}
    }
    assert not above, f"{module} imports {sorted(above)}"


def test_the_words_that_fit_a_count_or_a_date_import_nothing_of_the_package() -> None:
    """`wording` is below everything (Status in steps, Logg in plan, the templates use it)."""
    assert _internal(MODULES["medlemsrutiner.wording"]) == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "adapters"))
def test_adapters_decide_no_rule(module: str) -> None:
    rules = {n for n in _internal(MODULES[module]) if _layer(n) in {"steps", "routines", "cli"}}
    assert not rules, f"{module} imports {sorted(rules)}"


OWNERS = {
    "gspread": {"medlemsrutiner.adapters.google.client"},
    "openpyxl": {
        "medlemsrutiner.adapters.xlsx",
        "medlemsrutiner.adapters.xlsx_chart",
        "medlemsrutiner.adapters.xlsx_file",
        "medlemsrutiner.adapters.xlsx_look",
        "medlemsrutiner.adapters.xlsx_ranges",
    },
    "smtplib": {"medlemsrutiner.adapters.smtp"},
    "yagmail": {"medlemsrutiner.adapters.smtp", "medlemsrutiner.adapters.smtp_credentials"},
    "charset_normalizer": {"medlemsrutiner.adapters.contacts_file"},
    # pandas counts (groupby) in the two reports; rows are read as plain values.
    "pandas": {"medlemsrutiner.reports.statistics", "medlemsrutiner.reports.national"},
    "fcntl": {"medlemsrutiner.adapters.files"},
    "phonenumbers": {"medlemsrutiner.sheet.cells"},
    "email_validator": {"medlemsrutiner.sheet.cells"},
    "msvcrt": {"medlemsrutiner.adapters.files"},
}


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_one_module_owns_each_outside_library(library: str) -> None:
    users = {
        module
        for module, path in MODULES.items()
        if any(name == library or name.startswith(f"{library}.") for name in _imports(path))
    }
    assert users <= OWNERS[library], f"{library} is imported by {sorted(users - OWNERS[library])}"


def test_there_is_no_import_circle() -> None:
    graph = {module: _internal(path) - {module} for module, path in MODULES.items()}
    # A package's __init__ is imported on the way to its modules; only real edges count.
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            circle = [*trail[trail.index(module) :], module]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if module in done:
            return
        for target in sorted(graph.get(module, set())):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def _modules_mentioning(*calls: str) -> set[str]:
    return {
        module
        for module, path in MODULES.items()
        if any(call in path.read_text(encoding="utf-8") for call in calls)
    }


def test_the_clock_is_read_only_by_the_cli_shell() -> None:
    """And the sleep: everything that waits or measures time is given a clock (the Google
    retries' `Clock`, the districts' pacing)."""
    clock = re.compile(
        r"date\.today\(|datetime\.now\(|\btime\.(time|monotonic|sleep|perf_counter)\b"
        r"|^import time$|^from time import",
        re.MULTILINE,
    )
    readers = {
        module for module, path in MODULES.items() if clock.search(path.read_text(encoding="utf-8"))
    }
    assert readers <= {"medlemsrutiner.cli.shell"}, sorted(readers)


def test_the_environment_is_read_only_by_the_cli_shell() -> None:
    """Everything else is given the variables it needs (`env: Mapping[str, str]`)."""
    readers = _modules_mentioning("os.environ", "getenv(", "from os import environ", "environb")
    assert readers <= {"medlemsrutiner.cli.shell"}, sorted(readers)


# --- Each package says what it holds ------------------------------------------------------

PACKAGES = sorted(path.parent for path in PACKAGE.rglob("__init__.py"))
_LISTED = re.compile(r"^(\w+/?)\s{2,}\S")
"""A line of a package docstring's listing: a module (or `package/`), two spaces, what it is."""


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: _module_name(p / "__init__.py"))
def test_each_package_docstring_lists_every_module_it_holds_and_no_other(package: Path) -> None:
    held = {path.stem for path in package.glob("*.py") if path.stem != "__init__"} | {
        f"{path.parent.name}/" for path in package.glob("*/__init__.py")
    }
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text("utf-8"))) or ""
    listed = {m.group(1) for line in docstring.splitlines() if (m := _LISTED.match(line))}
    assert listed == held, (
        f"{_module_name(package / '__init__.py')}: not listed {sorted(held - listed)}, "
        f"listed but not there {sorted(listed - held)}"
    )


# --- The tests' own shape ----------------------------------------------------------------------

REPO = PACKAGE.parent


def _test_modules_imported(tree: ast.AST) -> set[str]:
    """The `test_*` modules (or names) an import of `tree` reaches, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            within = module if module.endswith(".") else f"{module}."
            names = [module, *(within + alias.name for alias in node.names)]
        else:
            continue
        found.update(n for n in names if any(p.startswith("test_") for p in n.split(".")))
    return found


def test_no_test_module_imports_another_test_module() -> None:
    """What tests share lives in tests/support.py, tests/adapters/harness.py, tests/fakes/ or a
    conftest.py; a test module imported by another would run its tests twice in one process and
    tie one module's fixtures to the other's."""
    assert _test_modules_imported(ast.parse("from tests.adapters.test_google import x")) == {
        "tests.adapters.test_google",
        "tests.adapters.test_google.x",
    }
    assert _test_modules_imported(ast.parse("def f():\n    from . import test_lock")) == {
        ".test_lock"
    }
    offenders = {
        str(path.relative_to(REPO)): sorted(imported)
        for folder in ("tests", "benchmarks")
        for path in sorted((REPO / folder).rglob("*.py"))
        if (imported := _test_modules_imported(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}
