"""The imperative shell: each routine reads, asks the pure steps for a plan, and does it.

daily    read -> plan -> mark -> send -> settle -> write -> log (-> sweep the outbox)
outbox_erasure  the outbox's letters of people whose data is gone, removed after the last write
setup    check_setup and init_workbook
demo     the demo workbook of invented people
intake   people from a file (import_contacts) and from the form-answers tab (first in daily)
districts  several configs in one command: listing them, naming districts, pacing Google
bug_report  an unexpected error's traceback as printed: every frame, every message redacted
"""
