"""Command-line entry points (click), one per script in `scripts/`. Nothing here decides a
rule of the routine.

routine     the routine's commands (run_daily, init_workbook, forget, …)
reports     retention_report and national_report
newdistrict  the setup wizard (new_district)
texts       click's own texts (help headings, usage errors) in Swedish
shell       what they share: the clock, the environment, the config, errors to exit codes
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
