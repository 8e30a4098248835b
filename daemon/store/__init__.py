"""The store: databases, models, the spool, and the named queries (repository.py)."""
