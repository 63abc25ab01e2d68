"""The retention chart as a PNG image: share active per group over the last four quarters, problem
groups marked. Pure: returns the image's bytes (matplotlib draws in memory, no window).

The same chart the workbook draws natively over the Statistik tab; this one goes into the
terminal report's PNG file and the coordinator's weekly summary.
"""

from __future__ import annotations

import io
import warnings

# A bare Figure draws with the Agg canvas into memory: no pyplot, no global state, no window.
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from medlemsrutiner.reports.statistics import TOTAL, Statistics

# Amnesty's yellow and black, and greys for the older quarters.
_COLOURS = ("#d9d9d9", "#a6a6a6", "#595959", "#ffdd00")
NO_RESULT = "–"
"""Where a bar would be when nobody's result in that group and quarter is known yet."""
NO_RESULT_NOTE = f"{NO_RESULT} inget känt resultat det kvartalet (ännu); 0 % har sin siffra."


def percent(share: float) -> str:
    """`33 %`."""
    return f"{share * 100:.0f} %"


def retention_png(statistics: Statistics, title: str = "Andel aktiva vid uppföljningen") -> bytes:
    """Horizontal bars: one row per group, one bar per recent quarter (oldest on top), the
    share active written beside each bar (`0 %` too), a grey dash where nobody's result is
    known yet (explained under the chart); an empty chart says there is no data yet."""
    quarters = statistics.recent_quarters
    # Groups with a share to show: someone's outcome is known in one of the quarters.
    groups = sorted(
        {
            row.group
            for row in statistics.rows
            if row.quarter in quarters
            and row.group != TOTAL
            and row.counts.share_active is not None
        }
    )
    height = 1.1 + 0.11 * len(quarters) * max(1, len(groups))
    figure = Figure(figsize=(6.4, max(2.4, height)), dpi=110)
    axes = figure.subplots()
    band = 0.8 / max(1, len(quarters))
    for offset, quarter in enumerate(quarters):
        shares = [statistics.share(quarter, group) for group in groups]
        places = [i + (offset - (len(quarters) - 1) / 2) * band for i in range(len(groups))]
        axes.barh(
            places,
            [share if share is not None else 0.0 for share in shares],
            height=band,
            label=quarter,
            color=_COLOURS[offset % len(_COLOURS)],
            edgecolor="#1a1a1a",
            linewidth=0.4,
        )
        for place, share in zip(places, shares, strict=True):
            # 0 % is a result too (a label on the axis); no result at all is a dash, in grey.
            if share is not None:
                axes.text(share + 0.01, place, percent(share), va="center", fontsize=6)
            else:
                axes.text(0.01, place, NO_RESULT, va="center", fontsize=8, color="#8c8c8c")
    labels = [f"{group} (!)" if group in statistics.problem_groups else group for group in groups]
    axes.set_yticks(range(len(groups)), labels, fontsize=8)
    axes.invert_yaxis()
    for tick in axes.get_yticklabels():
        if tick.get_text().endswith("(!)"):
            tick.set_color("#b00020")
            tick.set_fontweight("bold")
    axes.set_xlim(0, 1.12)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#e6e6e6")
    axes.set_axisbelow(True)
    if groups:
        axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        figure.text(0.01, 0.01, NO_RESULT_NOTE, fontsize=6, color="#595959")
    else:
        axes.text(0.5, 0.5, "Ingen uppföljning ännu", ha="center", va="center")
    with warnings.catch_warnings():
        # An empty chart has nothing to lay out; matplotlib's English warning is no news.
        warnings.simplefilter("ignore", UserWarning)
        figure.tight_layout(rect=(0, 0.04 if groups else 0, 1, 1))  # room for the note
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
