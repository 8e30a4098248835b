"""`ticketd mail list | show ID [--raw]`: the mail log, the admin's mailq and postcat.

Every mail any transport accepted is a row of the spool, kept after it is
processed: its envelope, what became of it (ticket, follow-up, ignored,
quarantined, duplicate, held, or pending), why (the `explain` of it), and
the ticket it went to. Raw bytes go after [retention] raw_days; the row stays.
"""

from __future__ import annotations

import sys
from datetime import UTC

from peewee import fn

from daemon.cli import views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.clock import SYSTEM_CLOCK
from daemon.config import Config
from daemon.service.app import stores_of
from daemon.states import Outcome, SpoolState
from daemon.store.models import Spool
from daemon.worker.explanation import explain_text


def run(args, path: str, config: Config) -> int:
    stores_of(config)
    if args.action == "list":
        return list_mail(args)
    row = Spool.get_or_none(Spool.id == args.id)
    if row is None:
        print(f"ticketd: no mail #{args.id} in the mail log", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.raw:
        return show_raw(row, config)
    print_json(mail_json(row, detail=True)) if args.json else print(mail_text(row))
    return 0


def list_mail(args) -> int:
    from daemon.cli.report import BadTime, parse_time

    q = Spool.select().order_by(Spool.id.desc())
    if args.since:
        try:
            q = q.where(Spool.received_at >= parse_time(args.since, SYSTEM_CLOCK.now(), UTC))
        except BadTime as exc:
            print(f"ticketd: {exc}", file=sys.stderr)
            return EXIT_CONFIG
    if args.outcome == Outcome.PENDING:
        q = q.where(Spool.state == SpoolState.NEW)
    elif args.outcome:
        q = q.where(Spool.outcome == args.outcome)
    if args.sender:  # narrowed in SQL, decided exactly below (the header From is in JSON)
        who = args.sender.lower()  # (through LOWER: the JSON field would quote the value)
        q = q.where(fn.LOWER(Spool.mail_from).contains(who) |
                    fn.LOWER(Spool.decision).contains(who))
    found = (r for r in q.iterator() if not args.sender or sent_by(r, args.sender))
    rows = []
    for r in found:
        rows.append(r)
        if args.limit and len(rows) >= args.limit:
            break
    if args.json:
        print_json([mail_json(r) for r in rows])
    else:
        print(views.table([[r.id, views.iso(r.received_at), r.source, outcome_of(r),
                            r.ticket_id or "", views.short(from_of(r), 30),
                            views.short(r.subject, 40), views.short(reason_of(r), 50)]
                           for r in rows],
                          ["ID", "RECEIVED", "SOURCE", "OUTCOME", "TICKET", "FROM", "SUBJECT",
                           "REASON"]))
    return 0


def sent_by(row: Spool, who: str) -> bool:
    """The envelope sender or the header From is this address, or in this @domain."""
    who = who.lower()
    d = row.decision or {}
    for addr in (row.mail_from or "", d.get("header_from") or "", d.get("from") or ""):
        addr = addr.lower()
        if addr and (addr == who or (who.startswith("@") and addr.endswith(who))):
            return True
    return False


def outcome_of(row: Spool) -> str:
    return Outcome.PENDING if row.state == SpoolState.NEW else (row.outcome or row.state)


def from_of(row: Spool) -> str:
    d = row.decision or {}
    return d.get("header_from") or d.get("from") or (row.mail_from or "").strip("<>")


def reason_of(row: Spool) -> str:
    return (row.reason or "").splitlines()[0] if row.reason else ""


def mail_json(row: Spool, detail: bool = False) -> dict:
    out = {"id": row.id, "received_at": views.iso(row.received_at), "source": row.source,
           "mail_from": row.mail_from, "rcpt_to": list(row.rcpt_to or []),
           "message_id": row.message_id, "subject": row.subject, "outcome": outcome_of(row),
           "reason": reason_of(row), "ticket_id": row.ticket_id, "size": row.size}
    if detail:
        out.update(from_=None, processed_at=views.iso(row.processed_at),
                   attempts=row.attempts, reason_full=row.reason, decision=row.decision,
                   raw_kept=row.raw is not None)
        out["from"] = out.pop("from_") or from_of(row)
    return out


def mail_text(row: Spool) -> str:
    lines = [f"mail #{row.id}: {outcome_of(row)}" + (f" -> ticket #{row.ticket_id}"
                                                      if row.ticket_id else ""),
             f"received    {views.iso(row.received_at)} by {row.source}",
             f"envelope    from <{(row.mail_from or '').strip('<>')}> to "
             + ", ".join(f"<{a}>" for a in row.rcpt_to or []),
             f"message-id  {row.message_id or '-'}",
             f"size        {row.size} bytes" + ("" if row.raw is not None else
                                                 " (raw bytes no longer kept)")]
    if row.processed_at:
        lines.append(f"processed   {views.iso(row.processed_at)}")
    if row.reason:
        lines += ["reason      " + line for line in row.reason.splitlines()[:40]]
    if row.decision:
        lines += ["", "decision (as `ticketd explain` says it):", explain_text(row.decision)]
    return "\n".join(lines)


def show_raw(row: Spool, config: Config) -> int:
    if row.raw is None:
        if row.outcome == Outcome.DUPLICATE:
            why = "a duplicate delivery keeps no bytes of its own: " + (row.reason or "")
        else:
            why = (f"purged after [retention] raw_days = {config.retention.raw_days} "
                   "(the mail log row and its decision stay; the text is on the ticket)")
        print(f"ticketd: the raw bytes of mail #{row.id} are not kept: {why}",
              file=sys.stderr)
        return EXIT_NOT_FOUND
    sys.stdout.flush()
    sys.stdout.buffer.write(bytes(row.raw))
    return 0
