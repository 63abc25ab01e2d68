"""The tests' fixtures live in one place each: a fixture two test modules need is in a
conftest.py, never defined twice (two copies drift apart, and a reader cannot tell which one a
test gets)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _fixtures(path: Path) -> list[str]:
    """The names of the fixtures a module defines at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]


def test_no_fixture_is_defined_in_two_modules() -> None:
    defined: dict[str, list[str]] = defaultdict(list)
    for path in sorted(TESTS.rglob("*.py")):
        for name in _fixtures(path):
            defined[name].append(str(path.relative_to(TESTS)))
    twice = {name: where for name, where in defined.items() if len(where) > 1}
    assert twice == {}


def test_the_check_finds_a_fixture_defined_twice(tmp_path: Path) -> None:
    source = "import pytest\n\n@pytest.fixture\ndef config():\n    return 1\n"
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    assert _fixtures(tmp_path / "a.py") == ["config"]
