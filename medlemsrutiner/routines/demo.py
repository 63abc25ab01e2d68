"""A realistic demo workbook of invented people, for the embedded default and for trying things.

`demo_rows` is pure (a function of the day and a seed); `write_demo` writes the rows to a new
.xlsx file. About 60 newcomers over the last four months sit in every stage of the routine,
with the mistakes people really make: a misspelt group, an invalid address, a duplicate, a date
typed as `3/11`. Every name is made up; addresses are @example.se / @example.org and phone
numbers are from the range the Swedish regulator reserves for fiction (070-174 06 05 to 99).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import AppendRow, CellValue
from medlemsrutiner.sheet.presentation import workbook_tabs
from medlemsrutiner.sheet.words import TEXT_EXPLANATIONS

Row = dict[str, CellValue]

FIRST_NAMES = (
    "Alva", "Ebba", "Freja", "Idun", "Juni", "Klara", "Linnea", "Majken", "Nova", "Saga",
    "Tyra", "Vera", "Ylva", "Astrid", "Disa", "Elsa", "Arvid", "Bror", "Elis", "Folke",
    "Gunnar", "Hjalmar", "Isak", "Ivar", "Malte", "Nils", "Olle", "Sixten", "Ture", "Vilgot",
    "Amir", "Leyla", "Samir", "Noor", "Yusuf", "Mina", "Dawit", "Selam", "Kim", "Robin",
)  # fmt: skip
LAST_NAMES = (
    "Ekblom", "Lindqvist", "Sandgren", "Holmberg", "Stjärnfeldt", "Åkerlund", "Fjällström",
    "Björkman", "Nordvik", "Sjöblad", "Granqvist", "Ljungdahl", "Berglöf", "Hedén", "Vikander",
    "Rosengård", "Mossberg", "Torsell", "Älvgren", "Lövqvist",
)  # fmt: skip
TOWNS = ("Exempelstad", "Exempelstad", "Exempelstad", "Norrby", "Söderås", "Västerlid")
INTERESTS = (
    "flyktingars rättigheter",
    "yttrandefrihet",
    "kvinnors rättigheter",
    "dödsstraffet",
    "brevskrivning",
    "kampanjer och manifestationer",
    "skolinformation",
    "HBTQI-rättigheter",
)

GROUPS: tuple[dict[str, Any], ...] = (
    {
        "group": "Centrumgruppen",
        "contact": "Rut Exempelsson",
        "email": "centrum@example.org",
        "phone": "070-174 06 05",
        "meets": "Tisdagar 18.30, Folkets hus, Storgatan 1",
        "works_on": "Kampanjer, manifestationer och insamling",
        "meets_en": "Tuesdays 18:30, Folkets hus, Storgatan 1",
        "works_on_en": "Campaigns, demonstrations and fundraising",
        "active": "ja",
    },
    {
        "group": "Studentgruppen",
        "contact": "Ali Provare",
        "email": "studenter@example.org",
        "phone": "070-174 06 06",
        "meets": "Varannan onsdag 17.00, Studenthuset",
        "works_on": "Föreläsningar och kampanjer på campus",
        "meets_en": "Every other Wednesday 17:00, Studenthuset",
        "works_on_en": "Talks and campaigns on campus",
        "active": "ja",
    },
    {
        "group": "Flyktinggruppen",
        "contact": "Greta Testlund",
        "email": "flykt@example.org",
        "phone": "070-174 06 07",
        "meets": "Första måndagen i månaden 18.00, Biblioteket",
        "works_on": "Asylrätt och stöd till individärenden",
        "meets_en": "First Monday of the month 18:00, Biblioteket",
        "works_on_en": "The right to asylum and support for individual cases",
        "active": "ja",
    },
    {
        "group": "Skrivargruppen",
        "contact": "Per Påhittad",
        "email": "brev@example.org",
        "phone": "070-174 06 08",
        "meets": "Torsdagar 15.00, Café Exemplet",
        "works_on": "Brevskrivning och blixtaktioner",
        "meets_en": "Thursdays 15:00, Café Exemplet",
        "works_on_en": "Letter-writing and urgent actions",
        "active": "ja",
    },
    {
        "group": "Kvinnorättsgruppen",
        "contact": "Siv Exempel",
        "email": "kvinnor@example.org",
        "phone": "070-174 06 09",
        "meets": "Vilande sedan i våras",
        "works_on": "Kvinnors rättigheter",
        "meets_en": "Taking a break since the spring",
        "works_on_en": "Women's rights",
        "active": "nej",
    },
    {  # No English texts: English letters leave them out; check_setup and the summary say so.
        "group": "Filmgruppen",
        "contact": "Bo Demosson",
        "email": "",
        "phone": "070-174 06 10",
        "meets": "Sista fredagen i månaden, Bio Exempel",
        "works_on": "Filmvisningar med samtal",
        "active": "ja",
    },
)

TEXTS = (
    (
        "lokal_information",
        "Amnesty Exempelstad har fem aktiva grupper som träffas på olika tider i veckan.\n\n"
        "Vi har också öppna medlemsmöten första tisdagen varje månad, dit alla är välkomna.\n"
        "Efter mötet fikar vi tillsammans.",
        "Amnesty Exempelstad has five active groups that meet at different times of the week."
        "\n\nWe also hold open members' meetings on the first Tuesday of every month, and "
        "everyone is welcome.\nAfter the meeting we have coffee together.",
    ),
    (
        "aktuell_aktion",
        "Just nu samlar vi namn för en journalist som fängslats för sina artiklar. Skriv under – "
        "det tar en minut.",
        "Right now we are collecting signatures for a journalist jailed for their articles. "
        "Sign – it takes a minute.",
    ),
    ("aktuell_aktion_länk", "https://www.amnesty.se/engagera-dig/agera/aktioner/", ""),
    ("signatur", "", ""),
)
"""Texter of the demo: key, Swedish text, English text (a paragraph break and a line break in
lokal_information, as a coordinator types them with Alt+Enter)."""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _people(rng: random.Random) -> Iterator[tuple[str, str, str]]:
    """Endless invented (name, email, phone) triples, never the same twice."""
    used: set[str] = set()
    number = 11
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name in used:
            continue
        used.add(name)
        phone = f"070-174 06 {number:02d}"
        number = number + 1 if number < 98 else 11
        yield name, f"{_ascii(first)}.{_ascii(last)}@example.se", phone


def demo_rows(today: dt.date, seed: int = 2026) -> dict[str, list[Row]]:
    """Rows for every tab, as internal column -> value, relative to `today`."""
    rng = random.Random(seed)
    people = _people(rng)
    days = dt.timedelta
    newcomers: list[Row] = []
    followups: list[Row] = []
    next_id = 1
    active = [g["group"] for g in GROUPS if g["active"] == "ja" and g["email"]]

    def person(registered_days_ago: int, **cells: CellValue) -> Row:
        nonlocal next_id
        name, email, phone = next(people)
        row: Row = {
            "id": next_id,
            "registered": today - days(registered_days_ago),
            "name": name,
            "email": email,
            "phone": phone,
            "town": rng.choice(TOWNS),
            "interests": rng.choice(INTERESTS),
        }
        next_id += 1
        row.update(cells)
        newcomers.append(row)
        return row

    def moved_on(registered_days_ago: int, referred_to: str, result: str | None = None) -> None:
        """Referred earlier: Intresserade keeps no personal data, Uppföljning has the copy."""
        row = person(registered_days_ago)
        call = today - days(registered_days_ago - 5)
        referred = call + days(1)
        follow_up = referred + days(7 * 9)
        followups.append(
            {
                "id": row["id"],
                "name": row["name"],
                "email": row["email"],
                "phone": row["phone"],
                "language": "sv",
                "referred_to": referred_to,
                "referred": referred,
                "follow_up_from": referred + days(7 * 8),
                "follow_up_by": referred + days(7 * 10),
                "followed_up": follow_up if result else None,
                "result": result,
            }
        )
        for key in ("name", "email", "phone", "town", "interests"):
            row[key] = None
        registered = today - days(registered_days_ago)
        row.update(
            welcome=registered + days(1),
            call=call,
            referred_to=referred_to,
            introduction=referred,
        )

    # A year of earlier referrals, already followed up and erased: only the anonymous columns
    # are left, which is what the Statistik tab and its chart count. Studentgruppen keeps few.
    for _ in range(44):
        ago = rng.randint(120, 420)
        group = rng.choice([*active, "Blixtaktioner", "Webbaktioner"])
        chances: tuple[str, ...] = ("Inte aktiv", "Inte aktiv", "Aktiv", "Ej nådd")
        if group != "Studentgruppen":
            chances = ("Aktiv", "Aktiv", "Aktiv", "Inte aktiv", "Ej nådd", "Ej uppföljd")
        outcome = rng.choice(chances)
        referred = today - days(ago)
        called = None if outcome == "Ej uppföljd" else referred + days(rng.randint(56, 70))
        followups.append(
            {
                "id": next_id,
                "referred_to": group,
                "referred": referred,
                "follow_up_from": referred + days(7 * 8),
                "follow_up_by": referred + days(7 * 10),
                "followed_up": called,
                "result": outcome,
                "erased": (called or referred + days(7 * 16)) + days(7),
            }
        )
        next_id += 1

    # Referred months ago: some followed up, some due for the follow-up call now.
    for ago in (118, 112, 105, 99, 94, 90, 86, 80, 77, 72):
        result = rng.choice(("Aktiv", "Aktiv", "Inte aktiv", "Ej nådd")) if ago > 75 else None
        moved_on(ago, rng.choice(active), result)
    for ago, alternative in ((100, "Blixtaktioner"), (84, "Webbaktioner"), (61, "På egen hand")):
        moved_on(ago, alternative)
    for ago in (58, 51, 44, 39, 33, 26):
        moved_on(ago, rng.choice(active))
    # Followed up last month and agreed to be kept in touch with: kept until the consent ends.
    moved_on(100, active[0], "Aktiv")
    followups[-1].update(followed_up=today - days(30), consent=today - days(30))

    # Declined / not reached: the oldest are past the 30 days and get erased by the run.
    for ago, outcome in ((70, "Avböjt"), (48, "Ej nådd"), (20, "Avböjt"), (12, "Ej nådd")):
        registered = today - days(ago)
        person(ago, welcome=registered + days(1), call=registered + days(4), referred_to=outcome)

    # Welcomed, call overdue.
    for ago in (30, 21, 17, 14, 11):
        person(ago, welcome=today - days(ago - 1))
    # Welcomed, call not yet due.
    waiting = [person(ago, welcome=today - days(ago - 1)) for ago in (6, 5, 4, 3, 2)]
    # Called today or yesterday: referrals and alternatives the run introduces now.
    for ago, referred_to in (
        (9, active[0]),
        (8, active[1]),
        (7, active[2]),
        (6, "Blixtaktioner"),
        (10, "ny grupp"),
    ):
        person(ago, welcome=today - days(ago - 1), call=today - days(1), referred_to=referred_to)
    # English speakers.
    person(4, language="en", welcome=today - days(3))
    person(1, language="en")
    # Mistakes people make.
    person(8, welcome=today - days(7), call=today - days(2), referred_to="Centrumgrupen")
    person(9, welcome=today - days(8), call=today - days(2), referred_to="Kvinnorättsgruppen")
    person(7, welcome=today - days(6), call=today - days(1), referred_to="Filmgruppen")
    person(2, email="alva.ekblom(at)example.se")
    person(1, email=f" {str(waiting[1]['email']).upper()} ")  # the same person, registered twice
    # A date typed by hand as day/month, and brand-new rows without ID or date.
    typed = today - days(2)
    person(2, registered=f"{typed.day}/{typed.month}")
    for _ in range(4):
        row = person(0)
        row["id"] = None
        row["registered"] = None
    newcomers.sort(key=_registered_sort_key)

    trainings: list[Row] = [
        {
            "date": today - days(12),
            "time": "18.00–20.00",
            "title": "Grundutbildning för nya",
            "place": "Folkets hus, Storgatan 1",
            "signup": "kurs@example.org",
            "description": "Amnestys historia, arbetssätt och hur du kommer igång.",
        },
        {
            "date": today + days(9),
            "time": "18.00–20.00",
            "title": "Grundutbildning för nya",
            "place": "Folkets hus, Storgatan 1",
            "signup": "https://example.org/anmalan/grund",
            "description": "Amnestys historia, arbetssätt och hur du kommer igång.",
            "title_en": "Basic training for newcomers",
            "description_en": "Amnesty's history, how we work and how to get started.",
        },
        {
            "date": today + days(23),
            "time": "10.00–15.00",
            "title": "Kampanjverkstad",
            "place": "Biblioteket, sal 2",
            "signup": "kurs@example.org",
            "description": "Planera en manifestation från idé till genomförande.",
            "title_en": "Campaign workshop",
            "description_en": "Plan a demonstration from the first idea to the day itself.",
        },
        {
            "date": today + days(40),
            "time": "18.00–19.30",
            "title": "Skriv för frihet: brevkväll",
            "place": "Café Exemplet",
            "signup": "",
            "description": "Ingen anmälan behövs.",
            "title_en": "Write for Rights: letter-writing evening",
            "description_en": "No need to sign up.",
        },
    ]
    return {
        "newcomers": newcomers,
        "followups": followups,
        "groups": [{**g, "confirmed": today - days(rng.choice((30, 90, 200)))} for g in GROUPS],
        "trainings": trainings,
        "texts": [
            {"key": key, "text": text, "text_en": english, "explanation": TEXT_EXPLANATIONS[key]}
            for key, text, english in TEXTS
        ],
    }


def _registered_sort_key(row: Row) -> tuple[int, str]:
    value = row["registered"]
    if isinstance(value, dt.date):
        return (value.toordinal(), "")
    return (dt.date.max.toordinal(), str(value))


def write_demo(path: Path, config: Config, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """Write a new demo workbook at `path`; return how many rows each tab got."""
    rows = demo_rows(today, seed)
    tab_names = config.workbook.tab_names
    workbook = XlsxWorkbook(path, tab_names)
    with workbook:
        workbook.ensure_tabs(workbook_tabs(tab_names))
        workbook.write(
            [
                AppendRow(
                    tab,
                    tuple((name, value) for name, value in row.items() if value not in (None, "")),
                )
                for tab, tab_rows in rows.items()
                for row in tab_rows
            ]
        )
    return {
        "intresserade": len(rows["newcomers"]),
        "i uppföljning": len(rows["followups"]),
        "grupper": len(rows["groups"]),
        "utbildningar": len(rows["trainings"]),
    }
