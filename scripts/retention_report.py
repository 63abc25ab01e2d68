"""The retention statistics in the terminal and their chart as a PNG (see --help)."""

from medlemsrutiner.cli import retention_report

if __name__ == "__main__":
    retention_report()
