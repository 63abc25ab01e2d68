"""The routine, one module per step. Pure: functions of (records, today, settings) that return
frozen values (deliveries, changes, flags, log entries, Status texts); no I/O, no clock.

rows        one row of Intresserade or Uppföljning, read leniently
records     the whole read: IDs for new rows, duplicates, first-seen dates
typed_dates  a date typed as text, written back as a real date
district    groups, upcoming trainings, local texts (what letters show)
welcome     the welcome letter (routine step 2)
referral    the double introduction, the alternatives, the move to Uppföljning (steps 3-4)
followup    the follow-up window in Uppföljning and the re-engagement letter (step 6)
groups      group details kept current: reminders, Grupper's Status (step 1)
erasure     when personal data is erased, in both tabs
forget      erasure on request: every row of one person, and their form answers
outbox_erasure  which letters in the outbox folder go with the data they hold
finished    finished people hidden from Intresserade a week later
problems    what a person must correct on a row
formulas    a formula in a cell a letter shows: the letter waits for the text
status      the Swedish Status text of every row
after       the records once the run's writes have landed (for Status, Statistik)
rules       the due rules of letter kinds added to the registry (sheet/letter_kinds.py)
recovery    what the send journal proves about the markers a stopped run left
daily       plan_day: every step of one day, composed
intake      people from a file or the form-answers tab -> new rows of Intresserade
"""
