"""Letters.

render      sandboxed jinja2 templates -> proper MIME messages (the exact bytes that are sent)
language    what the routine itself writes in a letter's language (dates, periods, times) and
            which of a coordinator's texts an English letter shows
calendar    a training as an iCalendar invitation
preview     every letter with invented people, as HTML files to look at
"""
