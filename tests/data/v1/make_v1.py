"""Make the version-1 databases the migration tests start from, with the first release.

Run once with the first release's code first on the path (commit 3c1c3e9):

    git worktree add --detach /tmp/v1 3c1c3e9
    PYTHONPATH=/tmp/v1 python tests/data/v1/make_v1.py sqlite:///v1.db tests/data/v1/sqlite.sql
    PYTHONPATH=/tmp/v1 python tests/data/v1/make_v1.py postgresql://postgres@127.0.0.1/v1 \
        tests/data/v1/postgres.sql

It runs that release's own `ticketd run` against a real SMTP relay and feeds it
mail over SMTP as users would: new tickets (one with an attachment and a Cc),
a customer's reply, a staff reply with commands, an internal note, mail for the
billing rule, mail that cannot be parsed (quarantined), a notice the relay
refuses for good (failed) and, with the relay gone, notices still pending; and
last, with the daemon stopped, one mail spooled and not yet processed. The
database is then dumped as SQL, which the tests load into a fresh database.
"""

from __future__ import annotations

import os
import signal
import smtplib
import sqlite3
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/ for the config the tests use
from conftest import config_text, free_port  # noqa: E402


class Relay:
    """Refuses mail to nobody@customer.example for good; takes the rest."""

    def __init__(self):
        self.got = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == "nobody@customer.example":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.got.append(envelope.original_content)
        return "250 OK"


def mail(frm, subject, body, to="support@example.com", **headers) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = frm, to, subject
    m["Message-ID"] = headers.pop("message_id")
    m["Date"] = "Mon, 02 Nov 2026 10:00:00 +0000"
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content(body)
    return m


def wait(predicate, what, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def main(url: str, out: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ticketd-v1-"))
    relay_port = free_port()
    relay = Relay()
    controller = Controller(relay, hostname="127.0.0.1", port=relay_port)
    controller.start()
    text = config_text(relay_port).replace('database = "sqlite:///ticketd.db"',
                                           f'database = "{url}"')
    (folder / "config.toml").write_text(text)
    log = open(folder / "daemon.log", "wb")
    daemon = subprocess.Popen([sys.executable, "-m", "daemon", "-c", "config.toml", "run"],
                              cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    wait(lambda: b"listening for SMTP" in (folder / "daemon.log").read_bytes(), "the daemon")
    port = int((folder / "daemon.log").read_text().split("listening for SMTP on ")[1]
               .split(":")[1].split()[0])

    def send(m, rcpt=None):
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.send_message(m, to_addrs=rcpt)

    first = mail("Dana Customer <dana@customer.example>", "Printer on fire",
                 "My printer is on fire.\n", message_id="<v1-a@customer.example>")
    send(first)
    withfile = mail("Erin <erin@customer.example>", "Scan attached", "See the scan.\n",
                    message_id="<v1-b@customer.example>", cc="frank@customer.example")
    withfile.add_attachment(b"%PDF-1.4 fake scan\n" * 40, maintype="application",
                            subtype="pdf", filename="scan.pdf")
    send(withfile)
    send(mail("Gus <gus@customer.example>", "Refund for invoice 7", "Please refund.\n",
              message_id="<v1-c@customer.example>"))
    send(mail("Nobody <nobody@customer.example>", "Bounce me", "Ack goes nowhere.\n",
              message_id="<v1-d@customer.example>"))
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.sendmail("x@customer.example", ["support@example.com"], b"\x01\x02 not a mail\r\n")
    wait(lambda: len(relay.got) >= 6, "the first notices")
    send(mail("Dana Customer <dana@customer.example>", "Re: [Ticket #1] Printer on fire",
              "Still burning.\n", message_id="<v1-e@customer.example>",
              in_reply_to="<v1-a@customer.example>"))
    send(mail("Alice Doe <alice@example.com>", "Re: [Ticket #1] Printer on fire",
              "#status pending\n\nPlease unplug it and tell us.\n",
              message_id="<v1-f@example.com>"))
    send(mail("Bob Roe <bob@example.com>", "Re: [Ticket #2] Scan attached",
              "#note\nThe scan is blurry.\n", message_id="<v1-g@example.com>"))
    wait(lambda: len(relay.got) >= 10, "the follow-up notices")
    controller.stop()  # the relay goes away: the next notices wait, pending
    send(mail("Hal <hal@customer.example>", "VPN down", "The VPN is down.\n",
              message_id="<v1-h@customer.example>"))
    time.sleep(3)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(60)
    spool_one_unprocessed(url, folder)
    dump(url, folder, out)
    print(f"wrote {out} from {folder}")


def spool_one_unprocessed(url: str, folder: Path) -> None:
    """A mail stored by the first release but not yet processed when it stopped."""
    from daemon.db import open_database
    from daemon.spool import Envelope, put

    db = open_database(url.replace("sqlite:///", f"sqlite:///{folder}/")
                       if url.startswith("sqlite:///") else url)
    raw = mail("Ivy <ivy@customer.example>", "Left in the spool", "Not processed yet.\n",
               message_id="<v1-i@customer.example>").as_bytes()
    put(db, raw, Envelope(source="pipe", rcpt_to=("support@example.com",)))


def dump(url: str, folder: Path, out: Path) -> None:
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(folder / url[len("sqlite:///"):])
        out.write_text("\n".join(con.iterdump()) + "\n")
        return
    dbname = url.rsplit("/", 1)[1]
    sql = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "--inserts",
                          "-h", "127.0.0.1", "-U", "postgres", dbname],
                         check=True, capture_output=True, text=True).stdout
    # psql's \restrict lines are for psql only; the tests load the dump through psycopg2
    out.write_text("".join(ln for ln in sql.splitlines(True) if not ln.startswith("\\")))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main(sys.argv[1], Path(sys.argv[2]).resolve())
