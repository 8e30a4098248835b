"""`ticketd status`: is mail flowing? For cron or a monitoring system (user-pain §15c).

It reads only the stores, so it answers whatever the daemon is doing, and it
reports over the channel the admin runs it from, not through the mailbox that
may be the thing that broke. Exit 0 when healthy, 1 with each problem named:
the daemon or one of its loops not seen for a minute or failing, IMAP
mailboxes failing or stale, a spool backlog, notices failed for good.
"""

from __future__ import annotations

from datetime import timedelta

import peewee as pw

from daemon.cli.views import iso
from daemon.config import Config, ImapConfig
from daemon.store.db import SchemaError
from daemon.store.models import (
    Heartbeat,
    ImapState,
    MailboxHealth,
    Outbox,
    RelayHealth,
    Spool,
    utcnow,
)

STOPPED = "ticketd run is stopped: no mail is processed or sent"


def stale_after(cfg: ImapConfig) -> timedelta:
    """How long without a successful check is too long for this mailbox."""
    from daemon.intake.imap.health import HEARTBEAT  # a healthy poller writes this seldom

    wait = cfg.idle_renew_seconds if cfg.idle else cfg.poll_seconds
    return timedelta(seconds=3 * wait + cfg.timeout_seconds + HEARTBEAT)


def loops(now, problems: list[str], after: timedelta) -> list[dict]:
    """Each process's heartbeat; problems for the silent, the failing and a stopped daemon."""
    out = []
    for hb in Heartbeat.select().order_by(Heartbeat.name):
        age = int((now - hb.beat_at).total_seconds())
        out.append({"name": hb.name, "pid": hb.pid, "seen_seconds_ago": age,
                    "failing_since": iso(hb.failing_since), "last_error": hb.last_error,
                    "stopped": hb.stopped})
        if hb.stopped:
            continue
        if now - hb.beat_at > max(after, timedelta(seconds=15)):  # beats come every 5 s
            problems.append(f"{hb.name}: not seen for {age} s (pid {hb.pid})")
        elif hb.failing_since and now - hb.failing_since >= after:
            problems.append(f"{hb.name}: failing since {iso(hb.failing_since)}: "
                            f"{hb.last_error}")
    supervisors = [h for h in out if h["name"].endswith(":supervisor")]
    if not supervisors:
        problems.append("ticketd run has never run on this spool")
    elif all(h["stopped"] for h in supervisors):
        problems.append(STOPPED)
    return out


def skipped_uids(cfg: ImapConfig) -> list[int]:
    """UIDs the server refused to FETCH too often: left in the folder for the admin."""
    from daemon.intake.imap.state import FETCH_TRIES

    row = ImapState.get_or_none(ImapState.mailbox == f"imap:{cfg.name}")
    refused = (row.refused_fetches or {}) if row else {}
    return sorted(int(uid) for uid, n in refused.items() if n >= FETCH_TRIES)


def status(config: Config) -> dict:
    now = utcnow()
    problems: list[str] = []
    processes = loops(now, problems, timedelta(seconds=config.daemon.failing_seconds))
    mailboxes = []
    for cfg in config.imap:
        row = MailboxHealth.get_or_none(MailboxHealth.mailbox == f"imap:{cfg.name}")
        checked = row.checked_at if row else None
        entry = {"name": cfg.name, "checked_at": iso(checked),
                 "age_seconds": int((now - checked).total_seconds()) if checked else None,
                 "failing_since": iso(row.failing_since) if row else None,
                 "last_error": row.last_error if row else None,
                 "auth_problem": row.auth_problem if row else None,
                 "auth_problem_since": iso(row.auth_problem_since) if row else None,
                 "skipped_uids": skipped_uids(cfg)}
        if row and row.auth_problem:  # a revoked grant: only the admin can mend it
            problems.append(f"imap {cfg.name}: {row.auth_problem} (since "
                            f"{iso(row.auth_problem_since)})")
        elif row and row.failing_since:
            problems.append(f"imap {cfg.name}: failing since {iso(row.failing_since)}: "
                            f"{row.last_error}")
        elif checked is None:
            problems.append(f"imap {cfg.name}: never checked successfully")
        elif now - checked > stale_after(cfg):
            problems.append(f"imap {cfg.name}: last successful check {entry['age_seconds']} s "
                            "ago")
        mailboxes.append(entry)
    spool = spool_health(config, now, problems)
    outbox = outbox_health(config, now, problems)
    stopped = STOPPED in problems
    if stopped and (spool["waiting"] or outbox["pending"]):  # say what is held up
        problems[problems.index(STOPPED)] = (
            f"{STOPPED}; {spool['waiting']} mail(s) waiting, {outbox['pending']} "
            "notice(s) pending")
    return {"healthy": not problems, "problems": problems, "processes": processes,
            "mailboxes": mailboxes, "spool": spool, "outbox": outbox,
            "relay": outbox.pop("relay")}


def spool_health(config: Config, now, problems: list[str]) -> dict:
    """Mail waiting too long, and mail quarantined since the admin last acknowledged."""
    spool_new = Spool.select().where(Spool.state == "new")
    oldest = spool_new.order_by(Spool.id).first()
    backlog_age = int((now - oldest.received_at).total_seconds()) if oldest else 0
    if backlog_age > config.status.spool_waiting_seconds:
        problems.append(f"spool: mail waiting for {backlog_age} s to be processed")
    quarantined = Spool.select().where(Spool.state == "quarantined")
    unseen = quarantined.where(Spool.acknowledged_at.is_null()).count()
    if unseen:
        problems.append(f"quarantine: {unseen} mail(s) quarantined since last acknowledged "
                        "(ticketd quarantine list; then retry, drop or ack)")
    return {"waiting": spool_new.count(), "oldest_waiting_seconds": backlog_age,
            "quarantined": quarantined.count(), "quarantined_unacknowledged": unseen}


def outbox_health(config: Config, now, problems: list[str]) -> dict:
    """The relay failing now (attempts in a row, or a notice waiting too long), and
    notices failed for good that the admin has not dropped or acknowledged."""
    relays = []
    for r in RelayHealth.select().order_by(RelayHealth.relay):
        relays.append({"relay": r.relay, "failures": r.failures,
                       "failing_since": iso(r.failing_since), "last_error": r.last_error,
                       "last_success_at": iso(r.last_success_at)})
        if r.failures >= config.status.relay_failures:
            problems.append(f"relay {r.relay}: {r.failures} failed attempts in a row since "
                            f"{iso(r.failing_since)}: {r.last_error}")
    pending = Outbox.select().where(Outbox.status == "pending")
    oldest = pending.order_by(Outbox.created_at).first()
    age = int((now - oldest.created_at).total_seconds()) if oldest else 0
    if age > config.status.outbox_waiting_seconds:
        error = f": {oldest.last_error}" if oldest.last_error else " (not tried yet)"
        problems.append(f"outbox: notice #{oldest.id} has waited {age} s to be sent via "
                        f"{relay_name(config)}{error}")
    failed = Outbox.select().where(Outbox.status == "failed")
    unseen = failed.where(Outbox.acknowledged_at.is_null()).count()
    if unseen:
        problems.append(f"outbox: {unseen} notice(s) failed for good (ticketd outbox list; "
                        "then drop ID, or ack --all)")
    return {"pending": pending.count(), "oldest_pending_seconds": age,
            "failed": failed.count(), "failed_unacknowledged": unseen, "relay": relays}


def relay_name(config: Config) -> str:
    o = config.outbound
    return f"folder {o.directory}" if o.directory else o.smtp


def status_text(s: dict) -> str:
    lines = ["healthy" if s["healthy"] else "PROBLEMS:"]
    lines += [f"  {p}" for p in s["problems"]]
    for m in s["mailboxes"]:
        age = f"{m['age_seconds']} s ago" if m["age_seconds"] is not None else "never"
        lines.append(f"imap {m['name']}: last checked {age}")
        if m.get("skipped_uids"):
            lines.append(f"imap {m['name']}: UID(s) {', '.join(map(str, m['skipped_uids']))} "
                         "left in the folder: the server refuses to deliver them")
    sp, ob = s["spool"], s["outbox"]
    if sp:
        lines.append(f"spool: {sp['waiting']} waiting, {sp['quarantined']} quarantined")
    if ob:
        lines.append(f"outbox: {ob['pending']} pending, {ob['failed']} failed")
    for r in s.get("relay") or ():
        state = (f"{r['failures']} failed attempts in a row" if r["failures"] else
                 f"last mail through at {r['last_success_at']}")
        lines.append(f"relay {r['relay']}: {state}")
    return "\n".join(lines)


def safe_status(config: Config) -> dict:
    from daemon.service.app import stores_of

    try:
        stores_of(config)
        return status(config)
    except (pw.DatabaseError, SchemaError) as exc:
        return {"healthy": False, "problems": [f"database: {exc}"], "processes": [],
                "mailboxes": [], "spool": {}, "outbox": {}, "relay": []}
