"""Every district's retention in one national table and chart, from their Statistik tabs only
(see --help)."""

from medlemsrutiner.cli import national_report

if __name__ == "__main__":
    national_report()
