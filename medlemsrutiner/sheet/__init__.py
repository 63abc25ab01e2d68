"""The workbook contract, pure: tabs and columns (schema), the words people type (words), how
cells are read (cells), writes addressed by ID or key (changes), the texts of stamp cells
(stamps), the registry of letter kinds and their stamp columns (letter_kinds), what a stamp
cell's state says to a coordinator (stamp_words) and the Logg rows (logbook)."""
