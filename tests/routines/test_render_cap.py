"""A capped run renders only the letters it sends (issue 12, defect 14): with many letters due
and a small `max_per_run`, rendering every due letter cost a run its time for nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from tests.support import NOW, REPO, TODAY, make_config, memory_workbook, newcomer

DAY = dt.timedelta(days=1)


class CountingRenderer(Renderer):
    """Our renderer, counting the letters it renders (one subject per letter)."""

    def __init__(self, templates: Path) -> None:
        super().__init__(templates)
        self.subjects: Counter[str] = Counter()

    def render_part(self, language: str, kind: str, part: str, context: Mapping[str, Any]) -> str:
        if part == "subject.txt":
            self.subjects[kind] += 1
        return super().render_part(language, kind, part, context)


def test_a_capped_run_renders_only_the_letters_it_sends(tmp_path: Path) -> None:
    config = make_config(
        tmp_path, mail={"transport": "outbox", "outbox": "outbox", "max_per_run": 3}
    )
    workbook = memory_workbook(
        newcomers=[newcomer(i, registered=TODAY - (i % 3) * DAY) for i in range(1, 41)]
    )
    renderer = CountingRenderer(REPO / "templates")
    with workbook:
        report = run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    assert len(report.emails) == 3 and len(report.waiting["welcome"]) == 37
    assert renderer.subjects == Counter({"welcome": 3})
