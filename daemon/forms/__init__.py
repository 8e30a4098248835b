"""Work-order form fields: what a ticket of a queue must carry, read from its mail. Pure.

spec.py compiles [[fields]] and checks values by type; customers.py is the
directory looked up by sender; extract.py reads a mail's fields (patterns over
the subject and visible body, headers, the directory) for the decide stage.
"""
