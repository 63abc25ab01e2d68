"""The repository describes itself: docs/design.md names every tab, column, word and text key;
the README and the docs link to nothing outside the repository."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

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
