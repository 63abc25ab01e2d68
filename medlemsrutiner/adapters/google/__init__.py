"""The Google Sheets backend: client (HTTP, retries, reading), workbook (the Workbook Protocol),
setup (tabs, formats, dropdowns, who can open the follow-up spreadsheet)."""
