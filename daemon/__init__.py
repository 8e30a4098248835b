"""ticketd: an email-driven work-order daemon."""

__version__ = "0.1.0"
