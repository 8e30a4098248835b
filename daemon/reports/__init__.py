"""`ticketd report`: what a manager checks — figures from the ticket store (figures.py),
written as text, JSON, CSV (formats.py) or one self-contained HTML page (html.py)."""
