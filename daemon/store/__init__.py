"""The store: databases, models, the spool, and the named queries (repository.py)."""


class SchemaError(Exception):
    """The database is missing, older or newer than this ticketd: one line says what to do.
    (Here, not in db.py, so the command line can catch it without loading peewee.)"""
