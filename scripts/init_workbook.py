"""Create missing tabs and headers in the workbook (see --help)."""

from medlemsrutiner.cli import init_workbook

if __name__ == "__main__":
    init_workbook()
