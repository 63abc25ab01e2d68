"""The repository describes itself: docs/design.md names every tab, column, word and text key;
the README and the docs link to nothing outside the repository."""

from __future__ import annotations

import re

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
