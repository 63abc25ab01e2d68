"""Check config, credentials, workbook, headers, templates and who can open the follow-up tab."""

from medlemsrutiner.cli import check_setup

if __name__ == "__main__":
    check_setup()
