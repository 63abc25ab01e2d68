"""Command-line entry points (click), one per script in `scripts/`: the routine's commands in
`cli.routine`, the reports in `cli.reports`, the setup wizard in `cli.newdistrict`, what they
share (clock, environment, config, errors to exit codes) in `cli.shell`. Nothing here decides a
rule of the routine.
"""

from medlemsrutiner.cli.newdistrict import new_district
from medlemsrutiner.cli.reports import national_report, retention_report
from medlemsrutiner.cli.routine import (
    check_setup,
    forget,
    import_contacts,
    init_workbook,
    make_demo,
    preview_emails,
    run_daily,
    weekly_summary,
)

__all__ = [
    "check_setup",
    "forget",
    "import_contacts",
    "init_workbook",
    "make_demo",
    "national_report",
    "new_district",
    "preview_emails",
    "retention_report",
    "run_daily",
    "weekly_summary",
]
