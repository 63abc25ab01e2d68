"""The workbook contract, pure: tabs and columns (schema), the words people type (words), how
cells are read (cells), writes addressed by ID or key (changes), the texts of stamp cells
(stamps) and the Logg rows (logbook)."""
