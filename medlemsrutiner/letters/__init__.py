"""Letters: templates rendered into proper MIME messages (render), what the routine itself writes
in a letter's language and which of a coordinator's texts it shows (language), a training as a
calendar invitation (calendar), and every letter with invented data as HTML files to look at
(preview)."""
