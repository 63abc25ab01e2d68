"""The Google Sheets backend.

client      Google Sheets HTTP, retries, reading (the only module importing gspread)
retries     when a request may be tried again and after how long (pure)
workbook    the Workbook Protocol over one or two spreadsheets
batch       the body of one spreadsheets:batchUpdate (cells as CellData, new tabs and rows)
chart       the Statistik chart as addChart / updateChartSpec requests
filters     erased values out of the basic filter and the filter views; appended rows in
setup       tabs, formats, dropdowns, protection, who can open the follow-up spreadsheet
"""
