"""An unexpected error (a bug, exit code 3) as the text the CLI prints. No I/O.

The traceback keeps every frame (file, line, function and source line: code, never data), of
chained exceptions too; each exception's message (and its notes) goes through the same
redaction as the rest of the output (`cells.redact`), because a message can carry a cell
value: `ValueError: kim@example.org` is printed as `ValueError: <adress>`.
"""

from __future__ import annotations

import traceback

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
    parts.extend(redact(line) for line in found.format_exception_only())
