"""IMAP pollers: one thread per `[[imap]]` mailbox, each message taken exactly once."""
