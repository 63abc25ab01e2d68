"""Nothing left lying around: every file the README and the guide tell a person to create in
this checkout — their config, workbook, key files, import files, reports, secrets' env files —
is ignored by git, so none of it is committed by accident; and nothing the repository holds is
ignored."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

import pytest

from tests.support import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)

DOCUMENTS = ("README.md", "docs/guide.md")
USER_FILES = r"csv|json|xlsx|toml|env|png|eml|pdf"
"""The kinds of file a person makes or a command writes: data, keys, configs, reports."""
NAMED_IN_THE_ISSUE = (
    "export.csv",
    "credentials.json",
    "key.json",
    "my-project-123abc456def.json",
    ".env",
    "medlemsrutiner.env",
    "privat/service-account.json",
    "medlemsrutiner-oauth2.json",
)
MEANT_FOR_THE_REPOSITORY = ("configs/",)
"""A district's config is committed on purpose (the workflows run configs/*.toml)."""


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=60
    )


@cache
def tracked() -> frozenset[str]:
    return frozenset(git("ls-files").stdout.splitlines())


def named_in_the_docs() -> list[str]:
    """Every path of a user file in the README and the guide (`privat/config.toml`,
    `export.csv`, `nationell-andel-aktiva.png`, `privat/preview`), less the files the
    repository holds and patterns (`*-oauth2.json`)."""
    names: set[str] = set()
    pattern = re.compile(rf"(?<![\w/.~*$<-])((?:[\w.-]+/)*[\w.-]+\.(?:{USER_FILES}))(?![\w.])")
    for document in DOCUMENTS:
        text = (REPO / document).read_text(encoding="utf-8")
        names.update(pattern.findall(text))
        names.update(re.findall(r"(?<![\w/.~-])(privat/[\w./-]*\w)", text))
    basenames = {path.rsplit("/", 1)[-1] for path in tracked()}
    return sorted(
        name
        for name in names
        if name[0].isalnum()
        and name not in tracked()
        and name not in basenames
        and not name.startswith(MEANT_FOR_THE_REPOSITORY)
    )


def test_the_docs_name_the_files_a_person_creates() -> None:
    found = named_in_the_docs()
    for expected in ("privat/config.toml", "export.csv", "demo/medlemsrutiner.xlsx"):
        assert expected in found


@pytest.mark.parametrize("name", [*named_in_the_docs(), *NAMED_IN_THE_ISSUE])
def test_every_file_a_person_is_told_to_create_is_ignored_by_git(name: str) -> None:
    result = git("check-ignore", "--no-index", "--quiet", "--", name)
    assert result.returncode == 0, f"{name} is not in .gitignore"


def test_no_file_the_repository_holds_is_ignored() -> None:
    ignored = git("ls-files", "--cached", "--ignored", "--exclude-standard").stdout.split()
    assert ignored == []


@pytest.mark.parametrize("name", ["package.json", "pyproject.toml", "data-2026.json"])
def test_the_key_file_pattern_leaves_ordinary_names_alone(name: str) -> None:
    assert git("check-ignore", "--no-index", "--quiet", "--", name).returncode == 1
