"""What shows in a cell and what does not: the invisible characters people paste (a zero-width
space, a byte-order mark, a soft hyphen, a direction mark, a control character, a filler).
Pure: `cells.text` and `cells.is_blank` read every cell through it.

- A cell in which nothing shows is blank (`shows`).
- A word loses the invisible characters at its ends (a lone combining mark at its start
  too), and the control and format characters inside it (`word`): `Centrum\u00adgruppen` is
  `Centrumgruppen`. A combining mark stays (`e` + U+0301 is `é`).
- A zero-width joiner or non-joiner, and a tag character, stays where it does something: in
  an emoji sequence (👩‍👩‍👧, a region's flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿) and between letters of a script whose
  letters join (Persian, Arabic, the Indic scripts). Between two Latin, Greek or Cyrillic
  letters it only hides, and goes.
"""

from __future__ import annotations

import unicodedata

_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern."""

_ASCII_INVISIBLE = "".join(chr(code) for code in range(33)) + "\x7f"
"""Spaces and control characters: the invisible ASCII characters."""


def _invisible(char: str, *, marks: bool) -> bool:
    """True for a character that shows nothing: a space, a control or format character (a
    zero-width space, a byte-order mark, a direction mark, a soft hyphen), a filler; and, with
    `marks`, a combining mark (invisible where it has no letter to sit on)."""
    if char.isspace() or char in _FILLERS:
        return True
    category = unicodedata.category(char)
    return (category[0] in "CZ" and category not in ("Co", "Cn")) or (marks and category[0] == "M")


_ASCII_CONTROLS = dict.fromkeys(range(32)) | {0x7F: None}
"""Control characters: nothing inside a word."""

_JOINERS = frozenset("\u200c\u200d")
"""The zero-width non-joiner and joiner: they change how the letters of some scripts join
(Persian, Arabic, the Indic scripts) and glue emoji into one (👩‍👩‍👧)."""

_TAGS = range(0xE0020, 0xE0080)
"""Tag characters: they follow the black flag in an emoji flag of a region (Scotland)."""


def word(token: str) -> str:
    """`token` (no whitespace in it) without the invisible characters at its ends, and without
    those inside it that only hide (`inner`); "" when nothing in it shows. A combining mark
    after a letter stays: it is part of that letter (`e` + U+0301 is `é`)."""
    if token.isascii():
        return token.strip(_ASCII_INVISIBLE).translate(_ASCII_CONTROLS)
    start, end = 0, len(token)
    while start < end and _invisible(token[start], marks=True):
        start += 1
    while end > start and _invisible(token[end - 1], marks=False):
        if ord(token[end - 1]) in _TAGS and _joins(token, end - 1):
            break  # the end of an emoji flag of a region
        end -= 1
    return _inner(token[start:end])


def _inner(word: str) -> str:
    """`word` without the control and format characters inside it: a soft hyphen, a zero-width
    space, a word joiner, a byte-order mark, a direction mark — `Centrum\u00adgruppen` is
    `Centrumgruppen`. A zero-width joiner or non-joiner and a tag character stay where they
    do something (`_joins`): in an emoji sequence, and between letters of a script that joins
    them; between two Latin letters they only hide."""
    if all(unicodedata.category(char)[0] != "C" for char in word):
        return word
    return "".join(
        char
        for index, char in enumerate(word)
        if unicodedata.category(char) not in ("Cc", "Cf")
        or ((char in _JOINERS or ord(char) in _TAGS) and _joins(word, index))
    )


def _joins(word: str, index: int) -> bool:
    """True when a character next to `word[index]` (past other format characters and marks)
    is one a joiner or a tag acts on: neither ASCII nor a Latin, Greek or Cyrillic letter."""

    def neighbour(step: int) -> str:
        at = index + step
        while 0 <= at < len(word) and unicodedata.category(word[at]) in ("Cf", "Mn", "Me"):
            at += step
        return word[at] if 0 <= at < len(word) else ""

    return any(
        char and not char.isascii() and not _simple_script(char)
        for char in (neighbour(-1), neighbour(1))
    )


def _simple_script(char: str) -> bool:
    """A letter of a script whose letters never join: Latin, Greek, Cyrillic."""
    return unicodedata.name(char, "").startswith(("LATIN", "GREEK", "CYRILLIC"))


def shows(value: str) -> bool:
    """True when `value` holds at least one character that shows."""
    if value.isascii():
        return bool(value.strip(_ASCII_INVISIBLE))
    return any(not _invisible(char, marks=True) for char in value)
