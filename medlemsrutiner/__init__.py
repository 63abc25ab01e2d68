"""medlemsrutiner: the membership coordinators' onboarding routine, automated.

Packages and modules (docs/design.md, *Architecture*, has the whole map):

cli/        the command-line entry points (click), one per script; the only reader of the clock
            and the environment
config      the TOML config file -> frozen dataclasses; ConfigError names the file and the key
config_text  the config file as text: read, and TOML's syntax errors explained in Swedish
config_template  config.example.toml as the template of every new config (the wizard's)
settings    what the pure core may know of the config (periods, start date, language)
errors      the typed errors and exit codes
letterfile  what a letter file in the outbox records about its letter (kind, IDs), as values
wording     counts with their nouns (`1 rad`, `3 rader`) and date ranges, Swedish and English
plan        people, groups, letters, deliveries, flags, the plan; the outcome of a send; settle
sheet/      the workbook contract (pure)
steps/      the routine, one module per step (pure)
reports/    statistics, the to-do list, the weekly summary, the national report (pure)
letters/    templates -> MIME messages, calendar invitations, the preview
adapters/   everything that touches the outside world
routines/   the imperative shell: read, plan, do
"""
