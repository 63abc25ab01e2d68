"""The repository describes itself: docs/design.md names every tab, column, word and text key;
the README and the docs link to nothing outside the repository; the README names every option
of every command; the README and the guide explain every message that ends a run (exit 2)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess

import click
import pytest

from medlemsrutiner import cli
from medlemsrutiner.sheet.schema import TABS, Tab
from medlemsrutiner.sheet.words import TEXT_KEYS, Alternative, Outcome, Result
from tests.support import REPO

DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
DOCUMENTS = {
    "README.md": (REPO / "README.md").read_text(encoding="utf-8"),
    "docs/design.md": DESIGN,
    "docs/guide.md": GUIDE,
}


@pytest.mark.parametrize("tab", TABS, ids=[tab.default_name for tab in TABS])
def test_the_design_names_every_tab_and_column(tab: Tab) -> None:
    assert tab.default_name in DESIGN
    for header in tab.headers:
        assert header in DESIGN, header


def test_the_design_names_every_word_and_text_key() -> None:
    for word in [*Alternative, *Outcome, *Result]:
        assert f"`{word.value}`" in DESIGN, word
    for key in TEXT_KEYS:
        assert f"`{key}`" in DESIGN and f"`{key}`" in GUIDE, key


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_no_link_leaves_the_repository(name: str) -> None:
    text = DOCUMENTS[name]
    assert "../shared" not in text
    base = (REPO / name).parent
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (base / target).exists(), f"{name} links to {target}, which does not exist"


# --- every command's options, and every exit-2 message ----------------------------------------


def _commands() -> dict[str, click.Command]:
    return {
        name: command
        for name, command in vars(cli).items()
        if isinstance(command, click.Command) and not name.startswith("_")
    }


def test_every_command_is_a_script() -> None:
    for name in _commands():
        assert (REPO / "scripts" / f"{name}.py").is_file(), name


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_of_every_command_is_in_the_readme(command: str) -> None:
    readme = DOCUMENTS["README.md"]
    assert f"scripts/{command}.py" in readme
    for parameter in _commands()[command].params:
        for option in parameter.opts:
            if option.startswith("--") and option != "--help":
                assert option in readme, f"{command} {option}"


_ERRORS = {
    "AppError",
    "ConfigError",
    "WorkbookError",
    "WorkbookBusyError",
    "MailError",
    "TemplateError",
    "ImportFileError",
    "AnswersError",
    "FutureDayError",
}
_EXPLAINERS = {"explain", "_login_problem"}
"""Functions that build exit-2 messages out of parts (Google's and the SMTP server's answers)."""


def _text(node: ast.AST) -> str | None:
    """A message as written in the source, each placeholder as `…`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "…"
            for v in node.values
        )
    if isinstance(node, ast.BinOp):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    return None


def _start(message: str) -> str:
    """What the docs must quote: the message's first four words, after a leading `…:`."""
    words = re.sub(r"^[…:.\s]+", "", " ".join(message.split())).split(" ")[:4]
    return " ".join(words).rstrip(".,:;")


def _messages() -> set[str]:
    """The start of every message an AppError of the package can carry (exit code 2)."""
    found: set[str] = set()
    for path in sorted((REPO / "medlemsrutiner").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in _EXPLAINERS:
                for inner in ast.walk(node):
                    values: list[ast.expr] = []
                    if isinstance(inner, ast.Return) and inner.value is not None:
                        values.append(inner.value)
                    if isinstance(inner, ast.Dict):
                        values.extend(inner.values)
                    found.update(_start(t) for v in values if (t := _text(v)))
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = getattr(function, "id", getattr(function, "attr", None))
            arguments = list(node.args)
            if name == "ConfigError":
                arguments = arguments[2:3]  # ConfigError(path, key, problem)
            elif name == "AnswersError":
                arguments = arguments[1:2]  # AnswersError(path, problem)
            elif name == "error":
                arguments = arguments[1:2]  # section.error(key, problem)
            elif name == "__init__" and path.name == "errors.py":
                arguments = arguments[:1]  # super().__init__(message) of a typed error
            elif name not in _ERRORS:
                continue
            found.update(_start(t) for a in arguments[:1] if (t := _text(a)))
    return {start for start in found if len(re.findall(r"\w{2,}", start)) >= 2}


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return " ".join(text[start : end if end > 0 else None].split())


def test_the_message_finder_finds_messages_of_every_kind() -> None:
    messages = _messages()
    assert len(messages) > 50
    for expected in (
        "Fliken '…' saknas i",
        "okänd nyckel (stavfel?)",
        "kontot saknar behörighet: dela",
        "Lösenordet till e-postkontot saknas",
        "Teckenkodningen i … går",
        "Inloggningen till … misslyckades",
    ):
        assert expected in messages


@pytest.mark.parametrize(
    ("document", "heading"),
    [("README.md", "## Troubleshooting (exit code 2)"), ("docs/guide.md", "## Felsökning")],
)
def test_every_exit_2_message_has_a_troubleshooting_entry(document: str, heading: str) -> None:
    section = _section(DOCUMENTS[document], heading)
    missing = sorted(message for message in _messages() if message not in section)
    assert not missing, f"{document} {heading} lacks: {missing}"


GIT = shutil.which("git")


@pytest.mark.skipif(
    GIT is None or not (REPO / ".git").exists(), reason="not a git checkout with git installed"
)
@pytest.mark.parametrize(
    "path",
    [
        "privat/config.toml",
        "privat/medlemsrutiner.xlsx",
        "privat/outbox/2026-11-24-ID1-welcome.eml",
        "privat/service-account.json",
        "config.toml",
        "arbetsbok.xlsx",
        "outbox/2026-11-24-ID1-welcome.eml",
        "demo/medlemsrutiner.xlsx",
        "preview/index.html",
        "service-account.json",
        "gmail-oauth2.json",
        ".medlemsrutiner.xlsx.medlemsrutiner-lock",
        ".medlemsrutiner.xlsx.medlemsrutiner-journal",
        ".medlemsrutiner-journal-1AbCdEfGh",
        "sändjournal",
        "privat/sändjournal",
    ],
)
def test_git_ignores_the_places_the_readme_tells_people_to_keep_their_own_files(
    path: str,
) -> None:
    assert GIT is not None
    ignored = subprocess.run(
        [GIT, "check-ignore", "--no-index", "-q", path], cwd=REPO, check=False
    ).returncode
    assert ignored == 0, f"{path} is not ignored by .gitignore"


def test_the_readme_and_the_guide_say_where_personal_files_belong() -> None:
    for text in (DOCUMENTS["README.md"], GUIDE, (REPO / "config.example.toml").read_text("utf-8")):
        assert "privat/" in text
