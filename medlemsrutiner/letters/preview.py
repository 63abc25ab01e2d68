"""Every letter to look at in a browser, rendered with invented sample data. Writes files.

`write_preview` renders each template in each language through the same code as a real run
(`render.build`), with a made-up newcomer and group, and the coordinator's own texts and
trainings (read by `routines/preview.py`) or sample ones, and writes one
HTML file per letter (its HTML part, as a mail program shows it) and an `index.html` gallery:
subject, language, a link to each letter, the letter in a frame and its plain-text part beside
it. The coordinator's own name and address come from the config, as in the real letters.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Group, Letter, Person, Shared, Training
from medlemsrutiner.reports.chart import retention_png
from medlemsrutiner.reports.weekly import sample_summary
from medlemsrutiner.sheet.letter_kinds import LetterKind, letter_kind, letter_kinds
from medlemsrutiner.sheet.words import LANGUAGES, Alternative

LANGUAGE_NAMES = {"sv": "svenska", "en": "engelska"}


@dataclass(frozen=True)
class PreviewLetter:
    """One rendered sample letter and where its HTML file is."""

    language: str
    kind: str
    file: str
    subject: str
    text: str
    html: str
    images: tuple[tuple[str, bytes], ...] = ()
    """Inline images, by Content-ID name: written beside the HTML file."""


def sample_shared(today: dt.date) -> Shared:
    """Texter and Utbildningar as a coordinator might fill them in, marked as examples."""
    return Shared(
        texts={
            "lokal_information": "(Exempeltext) Vi är ett tjugotal aktiva i Exempelstad och "
            "träffas första tisdagen varje månad på Exempelgatan 1.",
            "aktuell_aktion": "(Exempeltext) Skriv på för den påhittade fången Exempel "
            "Exempelsdóttir.",
            "aktuell_aktion_länk": "https://example.org/aktion",
            "signatur": "",
        },
        texts_en={
            "lokal_information": "(Sample text) About twenty of us are active in Exempelstad; "
            "we meet on the first Tuesday of every month at Exempelgatan 1.",
            "aktuell_aktion": "(Sample text) Sign for the invented prisoner Exempel "
            "Exempelsdóttir.",
            "aktuell_aktion_länk": "",
            "signatur": "",
        },
        trainings=(
            Training(
                date=today + dt.timedelta(days=12),
                time="18.00–20.00",
                title="Grundutbildning för nya medlemmar (exempel)",
                place="Exempelgatan 1, Exempelstad",
                signup="https://example.org/anmalan",
                description="Om Amnesty, hur vi arbetar och hur du kan vara med.",
                title_en="Basic training for new members (sample)",
                description_en="About Amnesty, how we work and how you can take part.",
            ),
            Training(
                date=today + dt.timedelta(days=33),
                time="10.00–15.00",
                title="Aktivistdag (exempel)",
                place="Påhittade torget 2, Exempelby",
                signup="anmalan@example.org",
                description="",
            ),
        ),
        groups=(
            _SAMPLE_GROUP,
            Group(
                name="Påhittade skrivargruppen",
                contact="Exempel Kontaktsson",
                email="skrivare@example.org",
                phone="070-174 06 44",
                meets="Torsdagar 15.00, Café Exemplet",
                works_on="Brevskrivning och blixtaktioner",
                active=True,
                row=3,
            ),
        ),
    )


_SAMPLE_GROUP = Group(
    name="Exempelgruppen",
    contact="Påhittad Kontaktsdotter",
    email="exempelgruppen@example.org",
    phone="070-174 06 43",
    meets="Tisdagar 18.30, Exempelgatan 1",
    works_on="Kampanjer och brevskrivning",
    active=True,
    row=2,
    meets_en="Tuesdays 18:30, Exempelgatan 1",
    works_on_en="Campaigns and letter-writing",
)


def sample_letters(language: str, today: dt.date | None = None) -> list[Letter]:
    """One letter of each kind of the registry in `language`, to an invented newcomer, group
    or coordinator, about what the kind says it is about (`LetterKind.about`)."""
    day = today or dt.date(2026, 11, 24)
    return [_sample(kind, language, day) for kind in letter_kinds()]


_COORDINATORS = {
    "coordinator": ("medlemsansvarig@example.org", "Exempel Samordnarsson"),
    "training_coordinator": ("utbildning@example.org", "Exempel Utbildarsson"),
}


def _sample(kind: LetterKind, language: str, day: dt.date) -> Letter:
    newcomer = Person(
        name="Exempel Påhittadsson",
        email="exempel.pahittadsson@example.se",
        phone="070-174 06 42",
        town="Exempelby",
        interests="Brevskrivning, flyktingfrågor",
        language=language,
    )
    group = _SAMPLE_GROUP
    if kind.recipient == "newcomer":
        to = (newcomer.email, newcomer.name)
    elif kind.recipient == "group":
        to = (group.email or "", group.contact)
    else:
        to = _COORDINATORS[kind.recipient]
    extra: tuple[tuple[str, object], ...] = ()
    images: tuple[tuple[str, bytes], ...] = ()
    if "summary" in kind.about:
        summary = sample_summary(day, sample_shared(day).trainings)
        extra = (("summary", summary), ("chart", "andel-aktiva"))
        images = (("andel-aktiva", retention_png(summary.statistics)),)
    elif "trainings" in kind.about:
        extra = (("summary", sample_summary(day, sample_shared(day).trainings).trainings),)
    return Letter(
        kind.name,
        language,
        *to,
        newcomer=newcomer if "newcomer" in kind.about else None,
        group=group if "group" in kind.about else None,
        chosen=Alternative.FLASH_ACTIONS if "alternative" in kind.about else None,
        extra=extra,
        images=images,
    )


def render_preview(
    config: Config, renderer: Renderer, now: dt.datetime, shared: Shared | None = None
) -> list[PreviewLetter]:
    """Every letter kind in every language, showing `shared` (default: the sample texts);
    TemplateError if a template does not render."""
    shared = shared or sample_shared(now.date())
    rendered: list[PreviewLetter] = []
    for language in LANGUAGES:
        for letter in sample_letters(language, now.date()):
            label = f"{language}-{letter.kind}"
            message = build(renderer, letter, shared, config, now, label=label).message
            rendered.append(
                PreviewLetter(
                    language=language,
                    kind=letter.kind,
                    file=f"{label}.html",
                    subject=str(message["Subject"]),
                    text=_part(message, "plain"),
                    html=_inline(_part(message, "html"), label, letter.images),
                    images=tuple((f"{label}-{name}.png", png) for name, png in letter.images),
                )
            )
    return rendered


def write_preview(
    config: Config,
    renderer: Renderer,
    folder: Path,
    now: dt.datetime,
    shared: Shared | None = None,
) -> Path:
    """Write the letters and `index.html` into `folder` (created if missing); return the index."""
    letters = render_preview(config, renderer, now, shared)
    folder.mkdir(parents=True, exist_ok=True)
    for letter in letters:
        (folder / letter.file).write_text(letter.html, encoding="utf-8")
        for name, png in letter.images:
            (folder / name).write_bytes(png)
    index = folder / "index.html"
    index.write_text(_index(letters), encoding="utf-8")
    return index


def _inline(html_text: str, label: str, images: tuple[tuple[str, bytes], ...]) -> str:
    """The HTML with each `cid:` image pointing at the file written beside it."""
    for name, _ in images:
        html_text = html_text.replace(f"cid:{name}", f"{label}-{name}.png")
    return html_text


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert isinstance(part, EmailMessage), subtype
    return str(part.get_content()).replace("\r\n", "\n")


def _heading(kind: str) -> str:
    """How the preview heads a letter of `kind` (the registry's words)."""
    known = letter_kind(kind)
    return known.preview if known is not None else kind


def _index(letters: list[PreviewLetter]) -> str:
    e = html.escape
    sections = "\n".join(
        f"""<section>
<h2>{e(_heading(letter.kind))} ({e(LANGUAGE_NAMES.get(letter.language, letter.language))})</h2>
<p><b>Ämne:</b> {e(letter.subject)} · <a href="{e(letter.file)}">öppna brevet</a></p>
<div class="pair">
<iframe src="{e(letter.file)}" title="{e(letter.subject)}"></iframe>
<pre>{e(letter.text)}</pre>
</div>
</section>"""
        for letter in letters
    )
    rows = "\n".join(
        f"<tr><td>{e(_heading(letter.kind))}</td><td>{e(letter.language)}</td>"
        f'<td><a href="{e(letter.file)}">{e(letter.subject)}</a></td></tr>'
        for letter in letters
    )
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Förhandsvisning av breven</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; margin: 24px; color: #1a1a1a; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; }}
section {{ margin-top: 40px; border-top: 6px solid #ffff00; }}
.pair {{ display: flex; gap: 16px; align-items: flex-start; }}
iframe {{ width: 640px; height: 720px; border: 1px solid #ccc; }}
pre {{ white-space: pre-wrap; max-width: 640px; background: #f4f4f4; padding: 12px; }}
</style>
</head>
<body>
<h1>Förhandsvisning av breven</h1>
<p>Alla brev på båda språken, med texterna och utbildningarna i arbetsboken (eller exempeltexter
när den inte gick att läsa) och påhittade personer. Till vänster HTML-delen som mottagaren ser,
till höger textdelen för e-postprogram utan HTML.</p>
<table>
<tr><th>Brev</th><th>Språk</th><th>Ämne</th></tr>
{rows}
</table>
{sections}
</body>
</html>
"""
