"""Everything the benchmark assumes about the daemon, in one place.

The bench drives ticketd only from outside (commands, its log, its SQLite
files, /proc), never by importing it, so a restructured daemon breaks this
file alone: adapt these small functions and tables when the architecture moves.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The tests' config (tests/conftest.py) sends two notices per new ticket:
# the acknowledgement to the customer and one notice to staff.
NOTICES_PER_NEW_TICKET = 2
SUPPORT_ADDRESS = "support@example.com"
ACK_UNLIMITED = 1_000_000_000


# --- commands ----------------------------------------------------------------------

def env() -> dict[str, str]:
    """The daemon imports this checkout's code, whatever is installed in the venv."""
    path = os.environ.get("PYTHONPATH", "")
    return dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{path}" if path else str(REPO),
                PYTHONUNBUFFERED="1")


def ticketd(config: Path, *args: str) -> list[str]:
    """`ticketd -c CONFIG ARGS`, by module: the venv's console script may point elsewhere."""
    return [sys.executable, "-m", "daemon", "-c", str(config), *args]


def smtp_port(log_text: str) -> int | None:
    """The bound port, from the line `listening for SMTP on HOST:PORT`."""
    m = re.search(r"listening for (?:SMTP|LMTP) on [\d.]+:(\d+)", log_text)
    return int(m.group(1)) if m else None


def config(sink_port: int, extra: str = "") -> str:
    """The tests' config as is (INFO log, like the shipped one), outbound to the sink,
    acknowledgements unlimited (every bench mail would otherwise count against a limit)."""
    from bench.testkit import config_text

    return config_text(sink_port=sink_port, ack_limit=ACK_UNLIMITED, extra=extra)


# --- databases ------------------------------------------------------------------------

def ticket_db(folder: Path) -> Path:
    return folder / "ticketd.db"


def spool_db(folder: Path) -> Path:
    """The spool store: a file of its own beside ticketd.db."""
    return folder / "ticketd-spool.db"


def query(db: Path, sql: str, *params) -> list[tuple]:
    """Read-only; an absent database or table reads as no rows (the daemon is starting)."""
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    finally:
        con.close()


def scalar(db: Path, sql: str) -> int:
    rows = query(db, sql)
    return int(rows[0][0] or 0) if rows else 0


def processed(folder: Path) -> tuple[int, int]:
    """(tickets, notice rows): a new mail is processed once both are written."""
    return (scalar(ticket_db(folder), "SELECT count(*) FROM ticket"),
            scalar(ticket_db(folder), "SELECT count(*) FROM outbox"))


def inbound_messages(folder: Path) -> int:
    return scalar(ticket_db(folder), "SELECT count(*) FROM message WHERE direction = 'in'")


def spooled(folder: Path) -> int:
    return scalar(spool_db(folder), "SELECT count(*) FROM spool")


def tickets_by_message_id(folder: Path) -> dict[str, int]:
    """Inbound Message-ID (stored without <>) -> its ticket."""
    rows = query(ticket_db(folder),
                 "SELECT message_id, ticket_id FROM message WHERE direction = 'in'")
    return {mid: tid for mid, tid in rows if mid}


# --- processes ---------------------------------------------------------------------------

def role_of(pid: int, root: int, cmdline: str, root_cmdline: str, comm: str) -> str:
    """A name per process role, so peaks group by role and restarted children merge.

    A child titled `ticketd -c F child worker 1` (forked by the zygote) is named from
    "child" on ("child worker N": digits folded); another process by what its command
    line adds to the supervisor's, else by a title it set (/proc/<pid>/comm). Children
    of multiprocessing all share one bootstrap command line: untitled, they look alike.
    """
    if pid == root:
        return "ticketd run (main)"
    if " child " in f" {cmdline} ":  # a child the zygote forked: `ticketd -c F child ROLE N`
        text = "child " + cmdline.split(" child ", 1)[1]
    elif cmdline and cmdline != root_cmdline and "multiprocessing" not in cmdline:
        mine = cmdline.split()
        same = len(os.path.commonprefix([mine, root_cmdline.split()]))  # words in common
        text = " ".join(mine[same:] if same >= 2 else mine).replace(sys.executable, "python")
    elif comm and not comm.startswith("python"):
        text = comm
    else:
        text = "child without a title"
    return re.sub(r"\d+", "N", text)[:70]


# --- profile stages -----------------------------------------------------------------------

# py-spy frame file names (shortened like `daemon/pipeline.py`, `email/parser.py`) -> stage.
# A sample goes to the FIRST stage in this table that matches ANY frame of its stack, so
# specific modules come before the libraries they call (parse before peewee, etc.).
# fnmatch patterns: `*` also crosses `/`, so `daemon/*classify.py` covers daemon/worker/.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("render (jinja2)", ("jinja2/*", "daemon/*render.py")),
    ("compose", ("daemon/*compose.py",)),
    ("send (smtplib, files)", ("smtplib.py", "daemon/*senders.py")),
    ("parse (parsers/)", ("parsers/*",)),
    ("classify", ("daemon/*classify.py", "daemon/*bounces.py")),
    ("route", ("daemon/*routing.py", "daemon/*allocation.py")),
    ("plan", ("daemon/*plan.py", "daemon/*policy.py", "daemon/staff/*")),
    ("spool", ("daemon/*spool.py",)),
    ("intake (SMTP, IMAP)", ("aiosmtpd/*", "daemon/*smtp.py", "daemon/*imap*", "imapclient/*",
                             "daemon/*pipe.py", "asyncio/*")),
    ("apply/DB (peewee, sqlite3)", ("daemon/*apply.py", "daemon/*notify.py", "daemon/*outbox.py",
                                    "daemon/*repository.py", "daemon/*rows.py", "daemon/*db.py",
                                    "peewee.py", "sqlite3/*")),
    ("logging", ("logging/*",)),
    ("start-up (imports)", ("<frozen importlib*",)),
)
