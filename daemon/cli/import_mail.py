"""`ticketd import mbox|maildir PATH [--dry-run] [--queue Q]`: an old archive into tickets.

Oldest first, threaded by References like live mail, deduplicated like live
mail, and silent: imported mail sends no notice. Interrupted (Ctrl-C, kill),
the same command goes on where it stopped.
"""

from __future__ import annotations

import logging
import sys

import peewee as pw

from daemon.config import Config
from daemon.intake.archive import Archive, ArchiveError
from daemon.intake.import_preview import preview
from daemon.intake.importer import Importer, Tally
from daemon.states import Outcome
from daemon.store.db import open_stores

EX_USAGE = 2
EX_NOINPUT = 66
EX_TEMPFAIL = 75
EX_INTERRUPTED = 130


def run(args, path: str, config: Config) -> int:
    if args.queue and config.queue(args.queue) is None:
        print(f"ticketd: --queue {args.queue}: no such queue in [[queues]]", file=sys.stderr)
        return EX_USAGE
    try:
        archive = Archive(args.kind, args.path)
    except (ArchiveError, OSError) as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EX_NOINPUT
    # an import may come before the first `ticketd run`: make the stores if need be
    stores = open_stores(config.database_url, config.spool_url,
                         config.daemon.lock_timeout_seconds, create=True)
    for name in ("ticketd.worker", "ticketd.apply"):  # the mail log has each message's fate
        logging.getLogger(name).setLevel(logging.WARNING)
    progress = make_progress(f"{'checking' if args.dry_run else 'importing'} {archive.name}")
    if args.dry_run:
        print(summary(preview(config, stores, archive, args.queue, progress), archive,
                      dry_run=True))
        return 0
    try:
        tally = Importer(config, stores, archive, args.queue, progress).run()
    except KeyboardInterrupt:
        print("ticketd: import interrupted; run the same command again to go on where it "
              "stopped", file=sys.stderr)
        return EX_INTERRUPTED
    except pw.OperationalError as exc:  # busy or gone: nothing half done, the rerun goes on
        print(f"ticketd: the database failed ({str(exc).splitlines()[0]}); run the same "
              "command again to go on where it stopped", file=sys.stderr)
        return EX_TEMPFAIL
    print(summary(tally, archive, dry_run=False))
    return 0


def summary(t: Tally, archive: Archive, dry_run: bool) -> str:
    o = t.outcomes
    verb = "would make" if dry_run else "made"
    lines = [f"{archive.path}: {t.total} message(s)" + (" (dry run: nothing stored, nothing "
                                                        "sent)" if dry_run else ""),
             f"  {verb} {o[Outcome.TICKET]} new ticket(s) and {o[Outcome.FOLLOW_UP]} "
             f"follow-up(s)",
             f"  ignored (robots, bounces, our own mail): {o[Outcome.IGNORED]}; held: "
             f"{o[Outcome.HELD]}; quarantined (unreadable): {o[Outcome.QUARANTINED]}",
             f"  already in ticketd, skipped: {t.already}",
             f"  notices {'that would be ' if dry_run else ''}sent: 0 (imported mail is "
             "never answered)"]
    if t.queues:
        lines.append("  new tickets by queue: " + ", ".join(
            f"{q} {n}" for q, n in t.queues.most_common()))
    return "\n".join(lines)


def make_progress(label: str):
    from daemon.cli.progress import LogProgress, TerminalProgress, terminal_width

    return TerminalProgress(label) if terminal_width() else LogProgress(label)
