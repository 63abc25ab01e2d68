"""Everything the package does to the outside world, each behind a small Protocol.

workbook   the Workbook Protocol (read every tab; write Changes addressed by ID or key)
xlsx       the local .xlsx workbook (openpyxl)
google/    the Google Sheets workbook (gspread: imported by google/client.py only)
mail       the Transport Protocol (send one rendered letter, report its outcome)
outbox     letters as .eml files in a folder
smtp       letters over SMTP (smtplib; yagmail for the Gmail login only)

Adapters decide no rule of the routine; steps never import an adapter.
"""
