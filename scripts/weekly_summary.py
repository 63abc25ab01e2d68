"""Send the weekly summary to the coordinator and the training coordinator (see --help)."""

from medlemsrutiner.cli import weekly_summary

if __name__ == "__main__":
    weekly_summary()
