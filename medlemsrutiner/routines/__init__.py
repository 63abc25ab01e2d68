"""The imperative shell: each routine reads, asks the pure steps for a plan, and does it.

daily    read -> plan -> mark -> send -> settle -> write -> log
setup    check_setup and init_workbook
demo     the demo workbook of invented people
"""
