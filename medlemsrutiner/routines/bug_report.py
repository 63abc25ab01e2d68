"""An unexpected error (a bug, exit code 3) as the text the CLI prints. No I/O.

The traceback keeps every frame (file, line, function and source line: code, never data), of
chained exceptions too; each exception's message (and its notes) goes through the same
redaction as the rest of the output (`cells.redact`), because a message can carry a cell
value: `ValueError: kim@example.org` is printed as `ValueError: <adress>`. A name has no shape
to find, so a quoted text in a message (`KeyError: 'Anna Berg'`, `invalid literal for int():
'Anna'`) is printed as `'<text>'` unless it reads as code: a word of the workbook's contract (a
tab's or column's name or header), a Python name (`'NoneType'`, `'int'`, `'follow_up_by'`), a
path, or a text without letters.
"""

from __future__ import annotations

import builtins
import re
import traceback

from medlemsrutiner.sheet import schema
from medlemsrutiner.sheet.cells import redact

_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def bug_report(error: BaseException) -> str:
    """`error`'s traceback as Python prints it, chain included, with every message redacted."""
    parts: list[str] = []
    _append(traceback.TracebackException.from_exception(error), parts)
    return "".join(parts).rstrip()


def _append(found: traceback.TracebackException, parts: list[str]) -> None:
    # TracebackException has already cut any cycle in the chain.
    if found.__cause__ is not None:
        _append(found.__cause__, parts)
        parts.append(_CAUSE)
    elif found.__context__ is not None and not found.__suppress_context__:
        _append(found.__context__, parts)
        parts.append(_CONTEXT)
    if found.stack:
        parts.append("Traceback (most recent call last):\n")
        parts.extend(found.stack.format())
    parts.extend(redact_quoted(redact(line)) for line in found.format_exception_only())


_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")
_CODE_NAME = re.compile(r"[A-Za-z]+[A-Z_][A-Za-z0-9_]*|_[A-Za-z0-9_]*")
"""CamelCase or snake_case: how code names things, never how a person types a name."""


_MARKS = frozenset({"<adress>", "<nummer>", "<text>"})
"""What `cells.redact` and this module put in a value's place."""


def _contract_words() -> frozenset[str]:
    tabs = (
        schema.NEWCOMERS, schema.FOLLOWUPS, schema.GROUPS, schema.TRAININGS, schema.TEXTS,
        schema.STATISTICS, schema.LOG, schema.FORM_ANSWERS, schema.NATIONAL,
        schema.NATIONAL_PROBLEMS,
    )  # fmt: skip
    words = {tab.key for tab in tabs} | {tab.default_name for tab in tabs}
    for tab in tabs:
        for column in tab.columns:
            words.update((column.name, column.header, *column.aliases))
    return frozenset(words)


def _reads_as_code(text: str) -> bool:
    return (
        not any(character.isalpha() for character in text)
        or text in _MARKS
        or text in _contract_words()
        or text in vars(builtins)
        or _CODE_NAME.fullmatch(text) is not None
        or "/" in text
        or "\\" in text
    )


def redact_quoted(message: str) -> str:
    """`message` with each quoted text that does not read as code replaced by `'<text>'`."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group(0) if _reads_as_code(inner) else "'<text>'"

    return _QUOTED.sub(replace, message)
