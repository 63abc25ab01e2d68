"""Render every letter in both languages with invented data to HTML files (see --help)."""

from medlemsrutiner.cli import preview_emails

if __name__ == "__main__":
    preview_emails()
