"""Run every daily step of the routine (see --help)."""

from medlemsrutiner.cli import run_daily

if __name__ == "__main__":
    run_daily()
