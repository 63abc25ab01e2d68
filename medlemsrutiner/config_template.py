"""config.example.toml as the template of every new config. Pure (the template's text is
passed in; `EXAMPLE_CONFIG` only names the file).

The example is the one place where a setting is explained: the setup wizard
(`scripts/new_district.py`) writes a district's config by filling the example in, so its
comments are the example's, word for word — there is no second copy to keep in step. `fill`
sets a key's value on its line (a line `# key = …` loses its `# `, and so does its table's
`# [header]`), comments out keys and tables the district does not use, and replaces the
example's opening paragraph by the district's own. Lines are found by table and key, so a
template line that is missing or ambiguous is a bug (ValueError), which the tests of every
kind of district would catch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "config.example.toml"
"""The example config: the demo's, and the template of every new one."""

Value = str | int | bool | dt.date

_HEADER = re.compile(r"^(?P<off>#\s?)?\[(?P<name>[A-Za-z0-9_.]+)\]\s*$")
_KEY = re.compile(r"^(?P<off>#\s?)?(?P<key>[A-Za-z0-9_]+) = (?P<value>\S.*)$")


@dataclass(frozen=True)
class _Line:
    index: int
    table: str
    key: str


def toml_value(value: Value) -> str:
    """A value as TOML writes it (a JSON string is a valid TOML basic string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _shape(lines: list[str]) -> tuple[dict[str, int], dict[str, _Line]]:
    """Where each table's header and each key (dotted, commented out or not) is."""
    headers: dict[str, int] = {}
    keys: dict[str, _Line] = {}
    table = ""
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            table = header["name"]
            if table in headers:
                raise ValueError(f"the template has the table [{table}] twice")
            headers[table] = index
            continue
        key = _KEY.match(line)
        if key:
            dotted = f"{table}.{key['key']}" if table else key["key"]
            if dotted in keys:
                raise ValueError(f"the template has the key {dotted} twice")
            keys[dotted] = _Line(index, table, key["key"])
    return headers, keys


def _commented(line: str) -> str:
    return line if line.startswith("#") else f"# {line}"


def fill(
    template: str,
    values: Mapping[str, Value],
    *,
    drop_keys: Iterable[str] = (),
    drop_tables: Iterable[str] = (),
    opening: str | None = None,
) -> str:
    """The template with `values` (dotted key -> value) set, the keys of `drop_keys` and every
    key of `drop_tables` commented out, and its first paragraph replaced by `opening`."""
    lines = template.splitlines()
    if opening is not None:
        end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        lines[:end] = opening.rstrip("\n").splitlines()
    headers, keys = _shape(lines)
    for dotted, value in values.items():
        if dotted not in keys:
            raise ValueError(f"the template has no line for {dotted}")
        line = keys[dotted]
        lines[line.index] = f"{line.key} = {toml_value(value)}"
        if line.table:
            lines[headers[line.table]] = f"[{line.table}]"
    for dotted in drop_keys:
        if dotted not in keys:
            raise ValueError(f"the template has no line for {dotted}")
        lines[keys[dotted].index] = _commented(lines[keys[dotted].index])
    for table in drop_tables:
        if table not in headers:
            raise ValueError(f"the template has no table [{table}]")
        lines[headers[table]] = _commented(lines[headers[table]])
        for line in keys.values():
            if line.table == table:
                lines[line.index] = _commented(lines[line.index])
    return "\n".join(lines) + "\n"


def prose(text: str) -> list[str]:
    """The explaining comment lines of a config (not a commented-out key or table, not an
    empty `#`), without their `# `."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            continue
        if _KEY.match(stripped) or _HEADER.match(stripped):
            continue
        words = stripped.lstrip("#").strip()
        if words:
            found.append(words)
    return found
