"""Letters.

render      sandboxed jinja2 templates -> proper MIME messages (the exact bytes that are sent)
calendar    a training as an iCalendar invitation
preview     every letter with invented people, as HTML files to look at
"""
