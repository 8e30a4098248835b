"""ticketd: an email-driven work-order daemon.

The packages follow a mail through the system:

    intake/   the transports (SMTP/LMTP, IMAP, the `ingest` pipe): spool, then answer
    store/    the spool store and the ticket store, their models and named queries
    worker/   the worker processes' stages: parse, classify, route, plan, apply
    staff/    what a staff mail does (identity, commands, relay, note)
    tickets/  changes people and timers make, and the one registry of ticket commands
    forms/    work-order form fields: what a queue's tickets carry, read from their mail
    circulation/  [[sla]] rules in business hours and the actions their timers take
    reports/  `ticketd report`: what a manager checks
    notices/  templates, queued intents, composition, the sender
    service/  `ticketd run`: the supervisor, its child processes, loops, status
    config/   config.toml, declared once
    cli/      the command line, one module per command

clock.py is the one clock everything that decides by time reads; states.py the named
states and outcomes; quick_config.py the few settings the quick paths (`ingest`,
`tickets list` and `show`) read without loading config/. `parsers/` (beside this
package) is pure: bytes in, frozen values out.
"""

__version__ = "0.2.0"
