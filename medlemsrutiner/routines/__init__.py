"""The imperative shell: each routine reads, asks the pure steps for a plan, and does it.

daily       read -> plan -> mark -> send -> settle -> write -> log (-> sweep the outbox)
settle      the send journal in a run: settle what it proves, note each send
report      what a daily run did, as counts and IDs (stdout, exit code)
outbox_erasure  the outbox's letters of people whose data is gone, removed after the last write
forget      erase one person everywhere now, outbox included
setup       check_setup and init_workbook
sharing     who can open a district's spreadsheets (check_setup, the weekly summary)
leftovers   what a district still has to do before it is ready (for check_setup)
wizard      the setup wizard's questions and how an answer is read
wizard_config  the config the wizard's answers make, and the answers a config was made of
newdistrict  setting up a new district: the answers file in, the config and its folder out
demo        the demo workbook of invented people
intake      people from a file (import_contacts) and from the form-answers tab (first in daily)
weekly      the weekly summary and the training coordinator's letter
retention   the Statistik table in the terminal and its chart as a PNG file
national    national_report: every district's Statistik tab -> the national workbook
preview     the texts the letter preview shows (the workbook's, or samples)
districts   several configs in one command: listing them, naming districts, pacing Google
bug_report  an unexpected error's traceback as printed: every frame, every message redacted
"""
