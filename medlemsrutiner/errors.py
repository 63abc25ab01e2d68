"""Typed errors of the package. The CLI turns each AppError into one line and an exit code.

Messages are in Swedish because coordinators read them. No I/O.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_NOTHING_DONE = 2
EXIT_BUG = 3
"""An unexpected error: a bug. The CLI prints its traceback."""


class AppError(Exception):
    """An expected failure that stops the command; `exit_code` says how the CLI exits."""

    exit_code = EXIT_NOTHING_DONE

    @property
    def line(self) -> str:
        """The one line the CLI prints: `Fel: …` (a message that starts with `Fel` as it is)."""
        text = str(self)
        return text if text.startswith("Fel") else f"Fel: {text}"


class ConfigError(AppError):
    """The config file is missing, unreadable, or a key is missing or of the wrong type."""

    def __init__(self, path: object, key: str | None, problem: str) -> None:
        where = f"{path}: {key}" if key else f"{path}"
        super().__init__(f"Fel i konfigurationen {where}: {problem}")
        self.path = path
        self.key = key


class FutureDayError(AppError):
    """`--today` names a day that has not come yet, in a run that would act on it."""


class WorkbookError(AppError):
    """The workbook cannot be opened, read or written."""


class MissingTabError(WorkbookError):
    def __init__(self, tab: str) -> None:
        super().__init__(
            f"Fliken '{tab}' saknas i arbetsboken. Kör init_workbook.py eller lägg till fliken."
        )
        self.tab = tab


class MissingColumnError(WorkbookError):
    def __init__(self, tab: str, header: str) -> None:
        super().__init__(
            f"Kolumnen '{header}' saknas i fliken '{tab}'. Lägg till rubriken '{header}' "
            "på första raden (ingenting har ändrats)."
        )
        self.tab = tab
        self.header = header


class HeaderRowError(WorkbookError):
    """The headers of a tab stand on a row below the first (a title row above them)."""

    def __init__(self, tab: str, header: str, row: int) -> None:
        super().__init__(
            f"Rubrikerna i fliken '{tab}' står på rad {row}, men ska stå på rad 1. Ta bort "
            f"{'raden' if row == 2 else 'raderna'} ovanför rubrikerna (t.ex. en rubrik för hela "
            "fliken) och kör igen (ingenting har ändrats).",
        )
        self.tab = tab
        self.header = header
        self.row = row


class DuplicateTabError(WorkbookError):
    def __init__(self, tab: str, names: list[str]) -> None:
        shown = " och ".join(f"'{name}'" for name in names)
        super().__init__(
            f"Flikarna {shown} läses båda som fliken '{tab}' (stora och små bokstäver och "
            "mellanslag räknas inte). Byt namn på eller ta bort den ena (ingenting har ändrats)."
        )
        self.tab = tab


class DuplicateColumnError(WorkbookError):
    def __init__(self, tab: str, header: str, columns: list[str]) -> None:
        super().__init__(
            f"Kolumnen '{header}' finns flera gånger i fliken '{tab}' (kolumn "
            f"{' och '.join(columns)}). Ta bort eller byt namn på den ena, annars vet "
            "programmet inte vilken som gäller (ingenting har ändrats)."
        )
        self.tab = tab
        self.header = header


class WorkbookBusyError(WorkbookError):
    """Another run, or a person in LibreOffice/Excel, holds the workbook."""


class TemplateError(AppError):
    """A template is missing or does not render."""


class MailError(AppError):
    """The mail transport cannot be used at all (not: one email failed)."""


class ImportFileError(AppError):
    """A file to import cannot be read, or has no columns to import from."""


class AnswersError(AppError):
    """The setup wizard's answers file is missing, unreadable, or an answer cannot be used."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"Fel i svarsfilen {path}: {problem}")
        self.path = path
