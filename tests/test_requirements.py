"""Installs stay lean: requirements.txt is the pinned runtime set and nothing else — closed
under dependencies, enough for every library the package imports — and requirements-dev.txt
adds the test and lint tools on top of it."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import REPO

DEV_TOOLS = ("pytest", "hypothesis", "mypy", "ruff", "aiosmtpd", "pypdf", "zizmor", "pyyaml")


def pins(name: str) -> dict[str, str]:
    """{canonical name: version} of a requirements file's `name==version` lines."""
    found: dict[str, str] = {}
    for line in (REPO / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert match is not None, f"{name}: not an exact pin: {line!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


RUNTIME = pins("requirements.txt")
DEV = pins("requirements-dev.txt")


def test_the_runtime_set_holds_no_test_or_lint_tool() -> None:
    for name in RUNTIME:
        assert name not in DEV_TOOLS and not name.startswith("types-"), name
        assert not name.endswith("-stubs"), name


def test_the_development_set_builds_on_the_runtime_set_and_repeats_none_of_it() -> None:
    lines = (REPO / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in lines
    assert not set(RUNTIME) & set(DEV)
    assert {canonicalize_name(tool) for tool in DEV_TOOLS} <= set(DEV)


def dependencies(name: str) -> set[str]:
    """What an installed distribution requires on this Python and platform (no extras)."""
    found: set[str] = set()
    for text in metadata.requires(name) or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.add(canonicalize_name(requirement.name))
    return found


def test_every_dependency_of_a_runtime_package_is_pinned_in_the_runtime_set() -> None:
    for name in RUNTIME:
        missing = dependencies(name) - set(RUNTIME)
        assert not missing, f"{name} needs {sorted(missing)}: pin them in requirements.txt"


def test_every_dependency_of_a_development_tool_is_pinned() -> None:
    for name in DEV:
        missing = dependencies(name) - set(RUNTIME) - set(DEV)
        assert not missing, f"{name} needs {sorted(missing)}: pin them in requirements-dev.txt"


def test_the_installed_versions_are_the_pinned_ones() -> None:
    for name, version in {**RUNTIME, **DEV}.items():
        assert metadata.version(name) == version, name


def test_every_library_the_package_imports_comes_with_the_runtime_set() -> None:
    providers = metadata.packages_distributions()
    imported: set[str] = set()
    for path in (REPO / "medlemsrutiner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # _typeshed exists for the type checker only (imported under TYPE_CHECKING).
    outside = imported - set(sys.stdlib_module_names) - {"medlemsrutiner", "_typeshed"}
    for module in sorted(outside):
        names = {canonicalize_name(name) for name in providers.get(module, [])}
        assert names & set(RUNTIME), f"{module} is imported but no runtime pin provides it"
