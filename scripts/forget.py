"""Erase one person everywhere now (see --help)."""

from medlemsrutiner.cli import forget

if __name__ == "__main__":
    forget()
