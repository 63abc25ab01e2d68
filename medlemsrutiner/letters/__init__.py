"""Letters: templates rendered into proper MIME messages (render), and every letter with
invented data as HTML files to look at (preview)."""
