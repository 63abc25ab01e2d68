"""Add people from a CSV or XLSX file to Intresserade (see --help)."""

from medlemsrutiner.cli import import_contacts

if __name__ == "__main__":
    import_contacts()
