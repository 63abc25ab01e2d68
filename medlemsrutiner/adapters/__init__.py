"""Everything the package does to the outside world, each behind a small Protocol.

workbook        the Workbook Protocol (read every tab; write Changes addressed by ID or key)
xlsx            the local .xlsx workbook (openpyxl)
xlsx_file       the .xlsx file loaded and saved so that no cell changes but those written
                (numbers kept as stored, rich text, every digit, warnings caught); a cell as
                the routine reads it
xlsx_ranges     the filters and tables over a tab: erased values out of their criteria, appended
                rows taken into the table above them
xlsx_look       how the local workbook looks: widths, formats, dropdowns, Status colours
xlsx_chart      the native chart over the local workbook's Statistik tab
files           around the local workbook: lock files, the one atomic replacement of a file,
                the temporary copies a killed run left
google/         the Google Sheets workbook (gspread: imported by google/client.py only)
mail            the Transport Protocol (send one rendered letter, report its outcome)
outbox          letters as .eml files in a folder: the only module that names letter files
                and reads their names (and the IDs recorded beside them) back
smtp            letters over SMTP (smtplib; yagmail for the Gmail login only)
smtp_credentials  the SMTP secret: a password from the environment or yagmail's OAuth2 file
lock            locks that keep two runs apart on one machine (the CLI's run lock for Google)
contacts_file   CSV (any encoding and dialect) and XLSX files of contacts to import
sendlog_file    the send journal's file: appended and fsynced, compacted, locked

Adapters decide no rule of the routine; steps never import an adapter.
"""
