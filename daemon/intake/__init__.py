"""Intake: the ways mail comes in. Each transport only spools the raw bytes, then answers.

smtp.py (SMTP/LMTP listener), imap/ (pollers), pipe.py (`ticketd ingest`).
A new transport writes through daemon.store.spool and acknowledges only
after that commit; it never touches tickets.
"""
