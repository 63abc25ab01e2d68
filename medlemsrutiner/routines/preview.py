"""What the preview of the letters shows: the coordinator's own Texter and Utbildningar when the
configured workbook can be read, or the sample texts otherwise. Reads the workbook (never takes
its lock, never writes); the people in the preview are always invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import AppError
from medlemsrutiner.letters.preview import sample_shared
from medlemsrutiner.plan import Shared
from medlemsrutiner.sheet.schema import TABS_BY_KEY, header_key, table_from_grid
from medlemsrutiner.steps.district import read_texts, read_trainings
from medlemsrutiner.wording import count


@dataclass(frozen=True)
class PreviewTexts:
    """The texts the preview shows, and where they come from (Swedish, for stdout)."""

    shared: Shared
    source: str


def preview_texts(
    config: Config, open_workbook: Callable[[], Workbook], today: dt.date
) -> PreviewTexts:
    """Texter and the upcoming Utbildningar of the workbook; the sample texts if it cannot be
    read (no file, no access, a broken tab)."""
    try:
        workbook = open_workbook()
        grids = {header_key(name): grid for name, grid in workbook.read().items()}
        tables = {
            key: table_from_grid(
                TABS_BY_KEY[key],
                config.workbook.tab_names[key],
                grids.get(header_key(config.workbook.tab_names[key])),
            )
            for key in ("texts", "trainings")
        }
    except AppError as error:
        return PreviewTexts(
            sample_shared(today),
            f"Breven visas med exempeltexter, eftersom arbetsboken inte gick att läsa: {error}",
        )
    texts, texts_en = read_texts(tables["texts"])
    trainings, _ = read_trainings(tables["trainings"], today, config.routine.trainings_in_letters)
    filled = sum(bool(text) for text in texts.values())
    return PreviewTexts(
        Shared(texts=texts, texts_en=texts_en, trainings=trainings),
        f"Breven visas med texterna i arbetsboken ({workbook.describe()}): "
        f"{count(filled, 'text')} i {config.workbook.tab_names['texts']}, "
        f"{count(len(trainings), 'upcoming_training')}. "
        "Personerna är påhittade.",
    )
