"""The workbook contract. Pure: no I/O.

schema      tabs, columns, Swedish headers, owners, personal columns; grids -> tables
words       every word a person may type in a cell, and the Texter keys
cells       lenient reading of what people type (dates, addresses, phones, IDs)
invisible   what shows in a cell and what does not: invisible characters at and inside words
times       a time of day as people type it (`kl 18`, `18-20`)
changes     writes addressed by ID or key, appended, hidden; resolve() and apply()
criteria    the values a filter holds, and which of them a write that erases rows erases
stamps      every text written into a stamp cell, and reading one back
letter_kinds  the registry of letter kinds and their stamp columns
stamp_words  what a stamp cell's state says to a coordinator (Swedish and English)
presentation  how the workbook looks, as data (widths, formats, dropdowns, Status colours)
logbook     Logg rows and the rolling daily limit
sendlog     the send journal's entries as JSON lines
"""
