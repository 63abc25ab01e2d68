"""Build the demo workbook of invented people (see --help)."""

from medlemsrutiner.cli import make_demo

if __name__ == "__main__":
    make_demo()
