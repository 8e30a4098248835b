"""Numbered schema migrations, run forward by daemon/store/migrate.py (`ticketd migrate`).

Each module mNNNN_what.py has VERSION, SUMMARY and up(step); it declares the
tables it creates as frozen model copies, never importing today's models.
"""
