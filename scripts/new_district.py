"""Set up a new district: ask, write privat/config.toml and the workbook, check (see --help)."""

from medlemsrutiner.cli import new_district

if __name__ == "__main__":
    new_district()
