"""Reports. Pure: computed from the records of one read.

statistics  retention per group and quarter, problem groups, the Statistik tab (pandas groupby)
chart       the retention chart as PNG bytes
todo        what a person must do: calls, follow-ups, rows to fix
weekly      the coordinator's weekly summary and the training coordinator's letter
national    the national table: every district's Statistik -> district x quarter
"""
