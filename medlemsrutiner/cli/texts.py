"""Click's own texts in Swedish: the help page's headings and "Show this message and exit.", and
the messages of a usage error (an unknown option, a date that cannot be read); and help texts
wrapped between words only.

Click marks these texts for gettext and looks each one up through the name `_` (and `ngettext`)
in its modules. `install()` points those names at the Swedish table below; a text that is not
in the table stays as click wrote it. It also has click's help wrap lines only at spaces:
Swedish writes compounds with a hyphen (`e-post`, `PNG-filen`) and file names have them
(`andel-aktiva.png`), and a line broken after such a hyphen reads as two words. No I/O;
`install` changes click's modules in this process only, and doing it twice changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

SWEDISH: Mapping[str, str] = {
    "Usage:": "Användning:",
    "Options": "Alternativ",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Show this message and exit.": "Visa den här hjälptexten och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för att få hjälp.",
    "Error: {message}": "Fel: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Missing argument": "Argument saknas",
    "Missing option": "Alternativ saknas",
    "Missing parameter": "Värde saknas",
    "Missing {param_type}": "{param_type} saknas",
    "Missing parameter: {param_name}": "Värde saknas: {param_name}",
    "No such option {name!r}.": "Det finns inget alternativ {name!r}.",
    "No such command {name!r}.": "Det finns inget kommando {name!r}.",
    "Option {name!r} does not take a value.": "Alternativet {name!r} tar inget värde.",
    "Could not open file {filename!r}: {message}": "Kan inte öppna filen {filename!r}: {message}",
    "unknown error": "okänt fel",
    "Aborted!": "Avbrutet!",
    # A no-break space: "[standard: andel-aktiva.png]" is never wrapped in two.
    "default: {default}": "standard:\u00a0{default}",
    "env var: {var}": "miljövariabel: {var}",
    "required": "krävs",
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil, inte en mapp.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp, inte en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva till.",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt tal.",
    "{value} is not in the range {range}.": "{value} ligger inte inom {range}.",
}
"""Click's English texts (gettext message ids) -> Swedish."""

SWEDISH_PLURALS: Mapping[tuple[str, str], tuple[str, str]] = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): (
        "Oväntat extra argument ({args})",
        "Oväntade extra argument ({args})",
    ),
    (
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
    ): (
        "Alternativet {name!r} behöver ett värde.",
        "Alternativet {name!r} behöver {nargs} värden.",
    ),
    (
        "Did you mean {possibility}?",
        "(Did you mean one of: {possibilities}?)",
    ): (
        "Menade du {possibility}?",
        "(Menade du något av: {possibilities}?)",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "{value!r} är inte ett datum i formatet {format}.",
        "{value!r} följer inget av formaten {formats}.",
    ),
    (
        "{value!r} is not {choice}.",
        "{value!r} is not one of {choices}.",
    ): (
        "{value!r} är inte {choice}.",
        "{value!r} är inte något av {choices}.",
    ),
}
"""Click's texts with a singular and a plural form -> the Swedish forms."""

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.termui",
)


def gettext(message: str) -> str:
    """Click's text `message` in Swedish (unchanged when the table does not have it)."""
    return SWEDISH.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The Swedish singular or plural of one of click's texts with two forms."""
    one, many = SWEDISH_PLURALS.get((singular, plural), (singular, plural))
    return one if count == 1 else many


def install() -> None:
    """Make click write its own texts in Swedish, and wrap help only at spaces (in this
    process)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        for attribute, swedish in (("_", gettext), ("ngettext", ngettext)):
            if hasattr(module, attribute):
                setattr(module, attribute, swedish)
    _wrap_at_spaces()


def _wrap_at_spaces() -> None:
    """Click's `wrap_text` takes its TextWrapper from `click._textwrap` each time it wraps:
    put one there that never breaks a line after a hyphen."""
    module = importlib.import_module("click._textwrap")
    wrapper: type[Any] = getattr(module, "TextWrapper")  # noqa: B009 (a module without stubs)
    if getattr(wrapper, "wraps_at_spaces", False):
        return

    class AtSpaces(wrapper):  # type: ignore[misc]
        wraps_at_spaces = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["break_on_hyphens"] = False
            super().__init__(*args, **kwargs)

    setattr(module, "TextWrapper", AtSpaces)  # noqa: B010
