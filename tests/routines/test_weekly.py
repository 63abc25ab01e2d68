"""The coordinator's weekly summary, checked on the parsed message: each section of the plain-text
part and of the HTML part, item by item, for a known workbook (`weekly_mail.known_workbook`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from medlemsrutiner.adapters.outbox import DRY_RUN, Outbox
from medlemsrutiner.adapters.smtp import open_smtp_transport
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.weekly import WeeklyReport, run_weekly
from medlemsrutiner.sheet import stamps
from tests.fakes.smtp_server import LocalSmtpServer, Script
from tests.routines.weekly_mail import (
    BOUNCE,
    DAY,
    TRAINER,
    html_section,
    html_sections,
    ids_in,
    known_workbook,
    part,
    run,
    text_sections,
)
from tests.support import NOW, REPO, TODAY, make_config, memory_workbook, newcomer

SV_HEADINGS = [
    "ATT GÖRA DEN HÄR VECKAN (10)",
    "VECKAN SOM GÅTT",
    "GRUPPER",
    "UTBILDNINGAR",
    "KÖRNINGEN",
    "HUR MÅNGA ÄR KVAR VID UPPFÖLJNINGEN? (SENASTE 12 MÅNADERNA)",
]
GROUP_NOTES = [
    "Studentgruppen: e-posten till kontaktpersonen studsade (påminnelsen): rätta adressen i "
    "Grupper och töm Påminnelse",
    "Vilande: vilande men har hänvisningar (ID 9): välj en annan grupp i Hänvisad till",
    "Filmgruppen: saknar e-post till kontaktpersonen: inga introduktioner går ut",
    "Skrivargruppen: uppgifterna obekräftade (senast: 2026-05-08); Per Påhittad tillfrågad "
    "2026-11-19",
    "Studentgruppen: uppgifterna obekräftade (senast: 2026-05-08)",
]
SHARE_NOTE = (
    "Andelen aktiva räknas på dem vars resultat är känt: aktiva av aktiva och inte aktiva. "
    "Ej nådda och ej uppföljda räknas inte in."
)
PROBLEM_NOTE = (
    "(!) Under 50 % är kvar i Skrivargruppen (gränsen gäller grupper med minst 3 uppföljningar "
    "på 12 månader). Hör med gruppen hur nya tas emot."
)
RUN_LINE = (
    "Senast lyckade dagliga körning: 2026-11-21 07:00. I veckan: 1 brev skickat, "
    "1 misslyckat, 2 körningar där brev fick vänta på gränsen för antal brev."
)


def _summary(tmp_path: Path, **config: Any) -> tuple[str, str, Any]:
    report, transport = run(tmp_path, known_workbook(), **config)
    message = transport.sent[0].message
    return part(message, "plain"), part(message, "html"), report


def test_the_summary_lists_exactly_what_to_do_this_week_with_the_alarm_on_top(
    tmp_path: Path,
) -> None:
    report, transport = run(tmp_path, known_workbook())
    summary = transport.sent[0].message
    assert summary["To"].addresses[0].addr_spec == "medlemsansvarig@example.org"
    assert str(summary["Subject"]).startswith("VARNING")
    text = text_sections(part(summary, "plain"))
    assert text[""] == [
        "VARNING: Den dagliga körningen har inte lyckats sedan 2026-11-21 07:00. Inga brev går "
        "ut och inget raderas förrän den fungerar igen."
    ]
    assert list(text)[1:] == SV_HEADINGS  # the to-do list first, retention last
    todo = text["ATT GÖRA DEN HÄR VECKAN (10)"]
    expected = [
        "Försenade samtal (1): ID 1 Testa (21/11)",
        "Samtal att ringa i veckan (3): ID 2 Testa (28/11), ID 3 Testa (1/12), ID 6 Testa (1/12)",
        "Försenade uppföljningssamtal (1): ID 20 Anna (19/11)",
        "Uppföljningssamtal i veckan (1): ID 21 Bo (12/12)",
        "Rader att rätta (4):",
    ]
    assert todo[:5] == expected  # 4 is a duplicate of 2: a row to fix, not a call
    assert [ids_in(line) for line in todo[5:]] == [[3], [4], [6], [9]]
    assert (
        todo[6]
        == "- ID 4 Testa: Dubblett av ID 2 (samma e-post): inga brev skickas. Ta bort raden."
    )
    assert todo[7].startswith("- ID 6 Testa: KONTROLLERA Välkomstbrev")
    assert report.todo == 10

    html = html_sections(part(summary, "html"))
    assert (
        html[0]
        .paragraphs[1]
        .startswith("Den dagliga körningen har inte lyckats sedan 2026-11-21 07:00.")
    )
    assert [s.title.upper() for s in html[1:]] == SV_HEADINGS
    assert html[1].paragraphs == [*expected[:4], "Rader att rätta (4)"]
    assert html[1].items == [line.removeprefix("- ") for line in todo[5:]]


def test_the_past_week_groups_trainings_and_the_run_in_both_parts(tmp_path: Path) -> None:
    plain, html, _ = _summary(tmp_path)
    text = text_sections(plain)
    week = [
        "2 nya intresserade, 1 välkomstbrev, 0 introduktioner, 0 brev med alternativen, "
        "0 återvärvningsbrev, 1 uppföljning gjord, 1 raderad.",
        "Samtycken som går ut inom 31 dagar: ID 8 Testa (2026-12-04).",
    ]
    assert text["VECKAN SOM GÅTT"] == week
    assert html_section(html, "Veckan som gått").paragraphs == [
        week[0].rstrip(".").replace(", ", " · "),
        week[1] + " Fråga om de vill förnya samtycket, annars raderas uppgifterna då.",
    ]
    # The group whose reminder bounced (550) comes first, then what else needs the coordinator.
    assert text["GRUPPER"] == [f"- {note}" for note in GROUP_NOTES]
    groups = html_section(html, "Grupper")
    assert groups.items == GROUP_NOTES
    needing = (
        "5 nya har inte gått grundutbildningen (registrerade sedan förra utbildningen, 2026-10-25)."
    )
    assert text["UTBILDNINGAR"] == [needing, "- torsdag 3 december 2026: Grundutbildning"]
    trainings = html_section(html, "Utbildningar")
    assert trainings.paragraphs == [needing]
    assert trainings.items == ["torsdag 3 december 2026: Grundutbildning"]
    # Two runs this week held letters back for a cap (a third did last week).
    assert text["KÖRNINGEN"] == [RUN_LINE]
    assert html_section(html, "Körningen").paragraphs == [RUN_LINE]


def test_the_retention_table_highlights_the_problem_group_in_both_parts(tmp_path: Path) -> None:
    plain, html, _ = _summary(tmp_path)
    assert text_sections(plain)[SV_HEADINGS[-1]] == [
        "Centrumgruppen: 2 hänvisade, 1 uppföljd (1 aktiv, 0 inte aktiva, 0 ej nådda), "
        "100 % aktiva",
        "Skrivargruppen (!): 4 hänvisade, 3 uppföljda (1 aktiv, 2 inte aktiva, 0 ej nådda), "
        "33 % aktiva",
        "Totalt: 6 hänvisade, 4 uppföljda (2 aktiva, 2 inte aktiva, 0 ej nådda), 50 % aktiva",
        SHARE_NOTE,
        PROBLEM_NOTE,
    ]
    retention = html_section(html, "Hur många är kvar")
    assert [cells for _, cells in retention.rows] == [
        ["Grupp", "Hänvisade", "Uppföljda", "Aktiva", "Inte aktiva", "Ej nådda", "Ej uppföljda",
         "Andel aktiva"],
        ["Centrumgruppen", "2", "1", "1", "0", "0", "0", "100 %"],
        ["Skrivargruppen (!)", "4", "3", "1", "2", "0", "0", "33 %"],
        ["Totalt", "6", "4", "2", "2", "0", "0", "50 %"],
    ]  # fmt: skip
    red = [cells[0] for style, cells in retention.rows if "#b00020" in style]
    assert red == ["Skrivargruppen (!)"]
    assert retention.paragraphs == [SHARE_NOTE, PROBLEM_NOTE]


@pytest.mark.parametrize(
    ("routine", "note"),
    [
        (
            {"alert_below": 40},
            "(!) Under 40 % är kvar i Skrivargruppen (gränsen gäller grupper med minst 3 "
            "uppföljningar på 12 månader). Hör med gruppen hur nya tas emot.",
        ),
        (
            {"alert_below": 100, "min_followups": 1},
            "(!) Under 100 % är kvar i Skrivargruppen (gränsen gäller grupper med minst 1 "
            "uppföljning på 12 månader). Hör med gruppen hur nya tas emot.",
        ),
        ({"alert_below": 30}, None),  # 33 % is not below 30 %
        ({"min_followups": 4}, None),  # 3 follow-ups are too few to judge
    ],
)
def test_the_problem_group_note_follows_the_configured_thresholds(
    tmp_path: Path, routine: dict[str, int], note: str | None
) -> None:
    plain, html, _ = _summary(tmp_path, routine=routine)
    lines = text_sections(plain)[SV_HEADINGS[-1]]
    retention = html_section(html, "Hur många är kvar")
    red = [cells[0] for style, cells in retention.rows if "#b00020" in style]
    if note is None:
        assert "(!)" not in " ".join(lines)
        assert retention.paragraphs == [SHARE_NOTE] and red == []
    else:
        assert lines[-1] == note and retention.paragraphs == [SHARE_NOTE, note]
        assert red == ["Skrivargruppen (!)"]
    assert "hälften" not in plain + html


def test_each_list_names_at_most_five_and_counts_the_rest(tmp_path: Path) -> None:
    newcomers = [newcomer(n, registered=TODAY - DAY, email=f"fel{n}") for n in range(1, 9)]
    groups = [
        {"group": f"Grupp {letter}", "contact": "Eva Exempel", "email": "g@example.org",
         "active": "ja"}
        for letter in "ABCDEFG"
    ]  # fmt: skip
    _, transport = run(tmp_path, memory_workbook(newcomers=newcomers, groups=groups))
    message = transport.sent[0].message
    assert str(message["Subject"]).endswith("16 att göra")
    # Nobody referred in 12 months: no table, so no chart either (not even as an attachment).
    assert [
        p.get_content_type() for p in message.walk() if p.get_content_maintype() == "image"
    ] == []
    text = text_sections(part(message, "plain"))
    todo = text["ATT GÖRA DEN HÄR VECKAN (16)"]
    calls = "Samtal att ringa i veckan (8): " + ", ".join(
        f"ID {n} Testa (30/11)" for n in range(1, 6)
    )
    assert todo[0] == f"{calls} och 3 till"
    assert todo[1] == "Rader att rätta (8):"
    assert [ids_in(line) for line in todo[2:7]] == [[1], [2], [3], [4], [5]]
    assert todo[7:] == ["- och 3 till: se Status i arbetsboken"]
    unconfirmed = [f"- Grupp {x}: uppgifterna obekräftade (senast: aldrig)" for x in "ABCDE"]
    assert text["GRUPPER"] == [*unconfirmed, "- och 2 till: se Status i Grupper"]
    assert text[SV_HEADINGS[-1]] == ["Ingen har hänvisats de senaste 12 månaderna."]

    html = part(message, "html")
    todo_html = html_section(html, "Att göra den här veckan (16)")
    assert todo_html.paragraphs == [f"{calls} och 3 till", "Rader att rätta (8)"]
    assert (
        len(todo_html.items) == 6 and todo_html.items[-1] == "och 3 till: se Status i arbetsboken"
    )
    assert html_section(html, "Grupper").items[5:] == ["och 2 till: se Status i Grupper"]


def test_a_bounced_introduction_names_the_newcomer_and_the_reminder(tmp_path: Path) -> None:
    refused = stamps.partial(TODAY - 4 * DAY, ["introduction_group"], "550 5.1.1 okänd mottagare")
    newcomers = [
        newcomer(5, registered=TODAY - 8 * DAY, welcome=TODAY - 7 * DAY, call=TODAY - 4 * DAY,
                 referred_to="Centrumgruppen", introduction=refused),
    ]  # fmt: skip
    groups = [
        {"group": "Centrumgruppen", "contact": "Rut Exempelsson", "email": "centrum@example.org",
         "active": "ja", "confirmed": TODAY - 30 * DAY, "reminder": BOUNCE},
    ]  # fmt: skip
    _, transport = run(tmp_path, memory_workbook(newcomers=newcomers, groups=groups))
    note = (
        "Centrumgruppen: e-posten till kontaktpersonen studsade (introduktionen av ID 5 och "
        "påminnelsen): rätta adressen i Grupper och töm Påminnelse"
    )
    message = transport.sent[0].message
    assert text_sections(part(message, "plain"))["GRUPPER"] == [f"- {note}"]
    assert html_section(part(message, "html"), "Grupper").items == [note]


def test_the_chart_is_a_png_shown_inline_from_the_html(tmp_path: Path) -> None:
    _, transport = run(tmp_path, known_workbook())
    summary = transport.sent[0].message
    html = part(summary, "html")
    (image,) = [part for part in summary.walk() if part.get_content_type() == "image/png"]
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html
    picture = Image.open(io.BytesIO(image.get_content()))
    assert picture.format == "PNG" and picture.width > 300


def test_no_newcomer_address_or_phone_appears_in_either_letter(tmp_path: Path) -> None:
    _, transport = run(tmp_path, known_workbook())
    assert len(transport.sent) == 2
    for email in transport.sent:
        everything = part(email.message, "plain") + part(email.message, "html")
        phones = [f"070-174 06 {10 + n:02d}" for n in (1, 2, 3, 4, 6, 8, 9)]
        for secret in ("@example.se", "0701740", "Person1", "Testdotter", *phones):
            assert secret not in everything, secret


def test_a_second_weekly_run_in_the_same_week_sends_nothing(tmp_path: Path) -> None:
    workbook = known_workbook()
    run(tmp_path, workbook)
    actions = [row["Åtgärd"] for row in workbook.tab("Logg")]
    assert "veckosammanfattning skickas" in actions and "veckosammanfattning skickad" in actions
    report, transport = run(tmp_path, workbook)
    assert transport.sent == [] and report.skipped == ["veckosammanfattning", "utbildningsbrev"]


def test_a_dry_run_writes_the_letters_even_in_a_week_whose_letters_have_gone_and_says_so(
    tmp_path: Path,
) -> None:
    workbook = known_workbook()
    run(tmp_path, workbook)  # this week's letters go
    logged = list(workbook.tab("Logg"))
    config = make_config(tmp_path, training_coordinator=TRAINER)
    folder = config.mail.outbox / DRY_RUN
    with workbook:
        report = run_weekly(
            workbook,
            Outbox(folder, NOW, fresh=True),
            Renderer(REPO / "templates"),
            config,
            TODAY,
            NOW,
            dry_run=True,
        )
    assert sorted(path.name.split("-", 2)[2] for path in folder.glob("*.eml")) == [
        "vecka48-training_summary.eml",
        "vecka48-weekly_summary.eml",
    ]
    assert report.lines()[1:3] == [
        f"  {name}: har redan skickats den här veckan, så en riktig körning skickar den inte "
        "igen (här är den ändå)"
        for name in ("veckosammanfattning", "utbildningsbrev")
    ]
    assert f"  breven finns i {folder}" in report.lines()
    assert list(workbook.tab("Logg")) == logged  # a dry run writes nothing
    _, again = run(tmp_path, workbook)
    assert again.sent == []


def test_an_english_coordinator_gets_the_summary_in_english(tmp_path: Path) -> None:
    plain, html, _ = _summary(tmp_path, language="en", routine={"alert_below": 40})
    text = text_sections(plain)
    assert text[""][0].startswith("WARNING: The daily run has not succeeded since 2026-11-21")
    assert list(text)[1:] == [
        "TO DO THIS WEEK (10)",
        "THE PAST WEEK",
        "GROUPS",
        "TRAININGS",
        "ENGLISH TEXTS MISSING",
        "THE DAILY RUN",
        "STILL ACTIVE AT THE FOLLOW-UP? (LAST 12 MONTHS)",
    ]
    # The district writes in English: the texts its letters would leave out are listed.
    assert text["ENGLISH TEXTS MISSING"][1:] == [
        "- Utbildningar, Titel (en): 2026-12-03 Grundutbildning"
    ]
    assert html_section(html, "English texts missing").items == [
        "Utbildningar, Titel (en): 2026-12-03 Grundutbildning"
    ]
    assert text["TO DO THIS WEEK (10)"][0] == "Calls overdue (1): ID 1 Testa (21/11)"
    notes = [
        "Studentgruppen: mail to the contact person bounced (the reminder): correct the address "
        "in Grupper and clear Påminnelse",
        "Vilande: inactive but people are referred to it (ID 9): choose another group for them",
        "Filmgruppen: no email address for the contact person: no introductions go out",
        "Skrivargruppen: details unconfirmed (last: 2026-05-08); Per Påhittad asked 2026-11-19",
        "Studentgruppen: details unconfirmed (last: 2026-05-08)",
    ]
    assert text["GROUPS"] == [f"- {note}" for note in notes]
    assert html_section(html, "Groups").items == notes
    note = (
        "(!) Fewer than 40 % are still active in Skrivargruppen (the limit applies to groups "
        "with at least 3 follow-ups in 12 months). Ask the group how newcomers are welcomed."
    )
    retention = text["STILL ACTIVE AT THE FOLLOW-UP? (LAST 12 MONTHS)"]
    share = (
        "The share active counts those whose result is known: the active out of the active and "
        "the not active. Not reached and not followed up do not count."
    )
    assert retention[-3:] == [
        "Total: 6 referred, 4 followed up (2 active, 2 not active, 0 not reached), 50 % active",
        share,
        note,
    ]
    table = html_section(html, "Still active")
    assert table.paragraphs == [share, note] and table.rows[-1][1][0] == "Total"
    assert text["THE DAILY RUN"] == [
        "Last successful daily run: 2026-11-21 07:00. This week: 1 letter sent, 1 failed, "
        "2 runs that held letters back for a sending limit."
    ]
    assert "5 newcomers have not yet attended a basic training" in text["TRAININGS"][0]


def test_the_summary_names_by_first_name_only_people_kept_a_week_more_and_logs_whom(
    tmp_path: Path,
) -> None:
    workbook = memory_workbook(
        newcomers=[
            newcomer(1, registered=TODAY - 10 * DAY, welcome=TODAY - 9 * DAY),  # 170 days left
            newcomer(2, registered=TODAY - 176 * DAY, welcome=TODAY - 175 * DAY),  # 4 days left
        ]
    )
    _, transport = run(tmp_path, workbook)
    (summary, _) = transport.sent
    todo = text_sections(part(summary.message, "plain"))["ATT GÖRA DEN HÄR VECKAN (2)"]
    assert todo[0] == "Försenade samtal (2): ID 2 (8/6), ID 1 Testa (21/11)"
    assert summary.record.names == frozenset({1})  # what its file in the outbox records
    named = [
        row["ID"]
        for row in workbook.tab("Logg")
        if row["Åtgärd"] == "nämnd i veckosammanfattningen"
    ]
    assert named == [1]


def _weekly_over_smtp(tmp_path: Path, server: LocalSmtpServer, workbook: Any) -> WeeklyReport:
    config = make_config(
        tmp_path,
        training_coordinator=TRAINER,
        mail={"transport": "smtp", "outbox": "outbox", "smtp": server.smtp_settings()},
    )
    with workbook:
        return run_weekly(
            workbook, open_smtp_transport(config, {}), Renderer(REPO / "templates"), config,
            TODAY, NOW,
        )  # fmt: skip


def test_a_summary_the_server_turned_away_for_now_goes_with_the_next_run(tmp_path: Path) -> None:
    """A passing refusal (451 at MAIL FROM) means the letters certainly did not leave: the next
    weekly run the same week sends them, once; a third sends nothing."""
    workbook = known_workbook()
    script = Script(mail_replies={0: "451 4.3.0 Try again later"})
    with LocalSmtpServer(script) as server:
        first = _weekly_over_smtp(tmp_path, server, workbook)
        # The server's 4xx ends the connection's sending: neither letter left.
        assert [name for name, _ in first.failed] == ["veckosammanfattning", "utbildningsbrev"]
        assert first.sent == [] and first.exit_code == 1
        second = _weekly_over_smtp(tmp_path, server, workbook)
        assert second.sent == ["veckosammanfattning", "utbildningsbrev"]
        third = _weekly_over_smtp(tmp_path, server, workbook)
        assert third.sent == [] and third.skipped == second.sent and third.exit_code == 0
        assert len(server.received) == 2


def test_a_summary_a_stopped_run_may_have_sent_is_never_sent_again(tmp_path: Path) -> None:
    """`skickas` without an answer (a run killed while sending): the letter may have left, so no
    run sends it again that week; the report asks a person to look, and the code is 1."""
    workbook = known_workbook()
    workbook.grids["Logg"].append(
        [f"{TODAY.isoformat()} 06:00", "veckosammanfattning skickas", None, "", 0]
    )
    report, transport = run(tmp_path, workbook)
    assert report.unsure == ["veckosammanfattning"] and report.exit_code == 1
    assert transport.recipients == [TRAINER["email"]]  # the training letter only
    assert any("KONTROLLERA" in line for line in report.lines())


def test_the_retention_line_counts_the_unreached_and_the_unfollowed_and_says_what_the_share_is(
    tmp_path: Path,
) -> None:
    def referred(row_id: int, result: str | None) -> dict[str, Any]:
        return {
            "id": row_id, "referred_to": "Centrumgruppen", "referred": TODAY - 120 * DAY,
            "follow_up_from": TODAY - 64 * DAY, "follow_up_by": TODAY - 50 * DAY,
            "followed_up": TODAY - 55 * DAY if result in ("Aktiv", "Inte aktiv", "Ej nådd")
            else None, "result": result, "erased": TODAY - 40 * DAY,
        }  # fmt: skip

    results = ["Aktiv", "Inte aktiv", "Ej nådd", "Ej uppföljd", None, None]
    workbook = memory_workbook(followups=[referred(n, r) for n, r in enumerate(results, 20)])
    _, transport = run(tmp_path, workbook)
    plain = part(transport.sent[0].message, "plain")
    lines = text_sections(plain)[SV_HEADINGS[-1]]
    assert lines == [
        "Centrumgruppen: 6 hänvisade, 3 uppföljda (1 aktiv, 1 inte aktiv, 1 ej nådd), "
        "1 ej uppföljd, 50 % aktiva",
        "Totalt: 6 hänvisade, 3 uppföljda (1 aktiv, 1 inte aktiv, 1 ej nådd), 1 ej uppföljd, "
        "50 % aktiva",
        SHARE_NOTE,
    ]
