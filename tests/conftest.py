"""Shared fixtures: the daemon as a real subprocess, a real SMTP relay sink, mail builders.

Every server binds port 0; the daemon reports its bound port in its log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import re
import signal
import smtplib
import socket
import subprocess
import sys
import textwrap
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import forkserver
import pytest
from aiosmtpd.controller import Controller as _Controller

REPO = Path(__file__).resolve().parent.parent
SPOOL_FILE = "ticketd-spool.db"  # the spool store beside the tests' ticketd.db
sys.path.insert(0, str(Path(__file__).resolve().parent))

BASE_CONFIG = """
[daemon]
database = "sqlite:///ticketd.db"
log_level = "INFO"

[smtp]
listen = "127.0.0.1:0"

[outbound]
from = "Example Support <support@example.com>"
{outbound}
retry_initial_seconds = 1
retry_max_seconds = 2
claim_seconds = 5

[tickets]
tag_prefix = "Ticket"
default_queue = "general"
ack_limit_per_hour = {ack_limit}

[[staff]]
email = "alice@example.com"
name = "Alice Doe"

[[staff]]
email = "bob@example.com"
name = "Bob Roe"

[[staff]]
email = "carol@example.com"
name = "Carol Poe"

[[queues]]
name = "general"
addresses = ["support@example.com"]
members = ["alice@example.com", "bob@example.com", "carol@example.com"]
assign = "round_robin"

[[queues]]
name = "billing"
addresses = ["billing@example.com"]
members = ["alice@example.com", "bob@example.com", "carol@example.com"]
assign = "least_open"

[[queues]]
name = "sales"
addresses = ["sales@example.com"]
members = ["bob@example.com"]
assign = "manual"

[[rules]]
name = "Refunds go to billing"
match = {{ subject = ["refund", "invoice"] }}
set = {{ queue = "billing", priority = "high", tags = ["finance"] }}

[[rules]]
name = "Body mentions outage"
match = {{ body = ["outage", "/server (is )?down/"] }}
set = {{ priority = "urgent", tags = ["outage"] }}

[[rules]]
name = "Legal words anywhere"
match = {{ text = ["lawyer", "GDPR"] }}
set = {{ queue = "sales", tags = ["legal"] }}

[[rules]]
name = "Big customer"
match = {{ from = ["@bigcorp.example"] }}
set = {{ priority = "high", tags = ["vip"] }}
stop = false

[[rules]]
name = "Partner address"
match = {{ to = ["partners@example.com"] }}
set = {{ queue = "sales", tags = ["partner"] }}
"""


# --- mail ----------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """The long runs (marked slow) first: with -n 4 each starts at once, beside the many
    short tests, instead of last and alone (the three-host run alone takes minutes).

    With TICKETD_TEST_BACKEND=postgres only the tests that start a daemon (daemon_factory,
    the one place a test's store follows the backend) are run: the others would repeat the
    SQLite pass exactly, a third of its items and two minutes of CI."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if BACKEND == "postgres":
        same = [item for item in items if "daemon_factory" not in item.fixturenames]
        if same:
            config.hook.pytest_deselected(items=same)
            items[:] = [item for item in items if "daemon_factory" in item.fixturenames]


def make_mail(*, frm="Dana Customer <dana@customer.example>", to="support@example.com",
              subject="Printer on fire", body="My printer is on fire.\n", cc=None,
              message_id=None, headers=None, date=None) -> EmailMessage:
    m = EmailMessage()
    m["From"] = frm
    m["To"] = to
    if cc:
        m["Cc"] = cc
    m["Subject"] = subject
    m["Date"] = date or format_datetime(time_now())
    m["Message-ID"] = message_id or make_msgid(domain="customer.example")
    for name, value in (headers or {}).items():
        m[name] = value
    m.set_content(body)
    return m


def time_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def send(port: int, msg: EmailMessage | bytes, mail_from: str | None = None,
         rcpt: list[str] | None = None):
    """Send one message through smtplib; returns sendmail's refused dict."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        if isinstance(msg, bytes):
            return s.sendmail(mail_from or "sender@customer.example", rcpt or
                              ["support@example.com"], msg)
        return s.send_message(msg, from_addr=mail_from, to_addrs=rcpt)


# --- relay sink ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Controller(_Controller):
    """aiosmtpd's Controller, closing the connections still open when it stops (a daemon
    killed, a sender's kept connection): left to the garbage collector they warn
    (ResourceWarning, an error here) in whichever test happens to run then."""

    def factory(self):
        smtp = super().factory()
        self.__dict__.setdefault("sessions", []).append(smtp)
        return smtp

    def stop(self, no_assert: bool = False):
        if self._thread is not None and self.__dict__.get("sessions"):
            async def close_all():
                for smtp in self.sessions:
                    if smtp.transport is not None:
                        smtp.transport.abort()
                await asyncio.sleep(0.05)  # their connection_lost callbacks close the sockets

            asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)
            self.sessions.clear()
        super().stop(no_assert)


class SinkHandler:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()
        self.refuse_with: str | None = None
        self.delay = 0.0  # seconds a mail: a slow relay (content scanning, a busy MTA)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  envelope.original_content))
        return "250 OK"


class Sink:
    """A real SMTP server standing in for the outbound relay."""

    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        if self.controller is None:  # restarted after stop(): same port, same messages
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()  # aiosmtpd's readiness check connects to a fixed port
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def parsed(self):
        from email import message_from_bytes
        from email.policy import default

        return [message_from_bytes(raw, policy=default) for _, _, raw in self.messages]

    def message_ids(self) -> list[str]:
        """The Message-ID of every mail received, in order (cheaper than parsing them)."""
        found = (re.search(rb"(?im)^message-id:[ \t]*<([^>]+)>", raw) for _, _, raw in
                 self.messages)
        return [m.group(1).decode() if m else "" for m in found]

    def to(self, addr: str):
        return [m for m in self.parsed() if addr in (m["To"] or "") + (m["Cc"] or "")]


@pytest.fixture
def sink():
    s = Sink().start()
    yield s
    s.stop()


# --- the daemon as a subprocess ---------------------------------------------------

class DaemonProc:
    def __init__(self, folder: Path, config_text: str):
        self.folder = folder
        self.config = folder / "config.toml"
        self.store = Store.for_folder(folder, config_text)
        self.config.write_text(self.store.config(config_text))
        self.log = folder / "daemon.log"
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, timeout: float = 60.0):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log, "ab") as logf:  # the child keeps its own copy of the fd
            self.proc = forkserver.popen(["-c", str(self.config), "run"], cwd=self.folder,
                                         env=env, log=logf)
        start = self.log.stat().st_size if self.log.exists() else 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[start:].decode("utf-8", "replace")
            m = re.search(r"listening for \w+ on [\d.]+:(\d+)", text)
            if m and "ticketd running" in text:  # the listener bound, the processes up
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited: {self.log_text()[-3000:]}")
            time.sleep(0.05)
        self.kill9_all()  # not left running behind a failed test
        raise RuntimeError(f"daemon did not start: {self.log_text()[-3000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=30) -> int | None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def children(self) -> dict[str, int]:
        """The running child processes of `ticketd run`, by role: {"worker-1": pid, ...}
        (titled `ticketd -c FILE child ROLE [N]`, as `ps` shows them)."""
        out = {}
        try:
            pids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except FileNotFoundError:  # it has exited (and, forked by tests/forkserver.py, been reaped)
            return out
        for pid in pids:
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
            except FileNotFoundError:
                continue
            if b"child" in argv:
                role = argv[argv.index(b"child") + 1:]
                out["-".join(a.decode() for a in role)] = int(pid)
        return out

    def kill9_all(self):
        """A crash of the whole service (power loss, OOM killer, systemd's SIGKILL of the
        unit's processes); returns once they are gone, as systemd waits before a restart."""
        pids = list(self.children().values())
        self.kill9()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        def gone(pid: int) -> bool:
            try:
                return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
            except FileNotFoundError:
                return True
        wait_for(lambda: all(gone(p) for p in pids), what="the killed processes gone")

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    def cli(self, *args, input: bytes | None = None, check=True) -> subprocess.CompletedProcess:
        r = forkserver.run(["-c", str(self.config), *args], cwd=self.folder, input=input,
                           timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"ticketd {' '.join(args)} -> {r.returncode}\n"
                                 f"{r.stderr.decode()}")
        return r

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def tickets(self, *filters):
        paging = () if "--limit" in filters else ("--all",)
        return self.json("tickets", "list", *paging, *filters)

    def ticket(self, ticket_id: int):
        return self.json("tickets", "show", str(ticket_id))

    def outbox(self):
        return self.json("outbox", "list")

    def send(self, msg, **kw):
        return send(self.port, msg, **kw)

    def sql(self, query: str, *params):
        """Read the ticket store directly (`?` placeholders, either backend): for checks
        over hundreds of rows, where one CLI process per ticket would dominate the time."""
        return self.store.query("tickets", query, params)

    def spool_sql(self, query: str, *params):
        """The same, in the spool store (a file of its own beside ticketd.db on SQLite)."""
        return self.store.query("spool", query, params)

    def spool_execute(self, query: str, *params) -> None:
        """Change the spool store behind the daemon's back: to set up the state a crash
        would leave."""
        self.store.execute("spool", query, params)

    def execute(self, query: str, *params) -> None:
        self.store.execute("tickets", query, params)

    def locked_tickets(self):
        """The ticket store locked by another process (a backup, a long report)."""
        return self.store.locked("tickets")

    def locked_spool(self):
        return self.store.locked("spool")


def wait_for(predicate, timeout=20.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


def config_text(sink_port: int | None = None, directory: str | None = None, ack_limit=5,
                extra: str = "") -> str:
    if sink_port is not None:
        outbound = f'smtp = "127.0.0.1:{sink_port}"'
    else:
        outbound = f'directory = "{directory or "outbox"}"'
    return BASE_CONFIG.format(outbound=outbound, ack_limit=ack_limit) + textwrap.dedent(extra)


@pytest.fixture
def daemon_factory(tmp_path):
    started: list[DaemonProc] = []

    def factory(config: str, start=True, folder: Path | None = None) -> DaemonProc:
        d = DaemonProc(folder or tmp_path, config)
        if start:
            d.start()
        started.append(d)
        return d

    yield factory
    for d in started:
        d.stop()
    for folder in {d.folder for d in started}:
        store = Store.forget(folder)
        if store is not None and store.made_here:
            drop_pg_database(store.pg_url)


@pytest.fixture
def daemon(daemon_factory, sink):
    """A running daemon whose outbound relay is the sink."""
    return daemon_factory(config_text(sink.port))


# --- PostgreSQL ----------------------------------------------------------------------

PG_URL = os.environ.get("TICKETD_TEST_POSTGRES_URL")
NEEDS_PG = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL tests need TICKETD_TEST_POSTGRES_URL (e.g. "
                       "postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it")


@pytest.fixture
def pg_database_factory():
    """Fresh PostgreSQL databases (URLs), dropped after the test."""
    made: list[str] = []

    def make() -> str:
        made.append(new_pg_database())
        return made[-1]

    yield make
    for url in made:
        drop_pg_database(url)


# --- the backend the daemons of the suite use --------------------------------------------

BACKEND = os.environ.get("TICKETD_TEST_BACKEND", "sqlite")  # or "postgres" (.ci/run does both)
SQLITE_LINE = 'database = "sqlite:///ticketd.db"'
SQLITE_ONLY = pytest.mark.skipif(BACKEND == "postgres",
                                 reason="about a SQLite file itself; the PostgreSQL run skips it")


class Store:
    """The databases of one test folder's daemon: SQLite files, or a PostgreSQL database of
    its own when the suite runs with TICKETD_TEST_BACKEND=postgres."""

    _by_folder: dict[Path, Store] = {}

    def __init__(self, folder: Path, pg_url: str | None, made_here: bool = False):
        self.folder, self.pg_url = folder, pg_url
        self.made_here = made_here  # a database of the suite's, dropped after the test

    @classmethod
    def for_folder(cls, folder: Path, config_text: str) -> Store:
        found = cls._by_folder.get(folder)
        if found is None:
            named = re.search(r'database = "(postgres(?:ql)?://[^"]+)"', config_text)
            if named:  # the test chose a PostgreSQL database itself
                found = Store(folder, named.group(1))
            else:
                pg = BACKEND == "postgres" and SQLITE_LINE in config_text
                found = Store(folder, new_pg_database() if pg else None, made_here=pg)
            cls._by_folder[folder] = found
        return found

    @classmethod
    def forget(cls, folder: Path) -> Store | None:
        return cls._by_folder.pop(folder, None)

    def config(self, text: str) -> str:
        return text.replace(SQLITE_LINE, f'database = "{self.pg_url}"') if self.pg_url \
            else text  # (a no-op when the test named its PostgreSQL database itself)

    def _connect(self, store: str, readonly: bool = False):
        if self.pg_url:
            import psycopg2

            return psycopg2.connect(self.pg_url)
        import sqlite3

        name = "ticketd.db" if store == "tickets" else SPOOL_FILE
        if readonly:
            return sqlite3.connect(f"file:{self.folder / name}?mode=ro", uri=True, timeout=30)
        return sqlite3.connect(self.folder / name, timeout=30)

    def _sql(self, query: str) -> str:
        return query.replace("?", "%s") if self.pg_url else query

    def query(self, store: str, query: str, params=()) -> list[tuple]:
        con = self._connect(store, readonly=True)
        try:
            cur = con.cursor()
            cur.execute(self._sql(query), tuple(params))
            return [tuple(r) for r in cur.fetchall()]
        finally:
            con.close()

    def execute(self, store: str, query: str, params=()) -> None:
        con = self._connect(store)
        try:
            con.cursor().execute(self._sql(query), tuple(params))
            con.commit()
        finally:
            con.close()

    @contextlib.contextmanager
    def locked(self, store: str):
        """Hold the store's write lock from another connection until the block ends."""
        con = self._connect(store)
        cur = con.cursor()
        if self.pg_url:
            tables = ("ticket", "message", "outbox", "event", "applied") if store == "tickets" \
                else ("spool",)
            cur.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        else:
            con.isolation_level = None
            cur.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            con.rollback()
            con.close()


class PgDatabases:
    """The suite's PostgreSQL databases, one per test. CREATE and DROP DATABASE take
    a fifth of a second or more each; a thread makes the next one while a test runs and
    drops each after its test, so no test waits for either."""

    def __init__(self, url: str):
        self.url = url
        self.spare: queue.Queue[str] = queue.Queue(maxsize=1)
        self.done: queue.Queue[str | None] = queue.Queue()
        self.made: set[str] = set()  # not dropped yet
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._make, daemon=True),
                        threading.Thread(target=self._drop, daemon=True)]
        for t in self.threads:
            t.start()

    def _admin(self):
        import psycopg2

        admin = psycopg2.connect(self.url)
        admin.autocommit = True
        return admin

    def _make(self) -> None:
        import secrets

        admin = self._admin()
        try:
            while not self.stopping.is_set():
                name = "ticketd_suite_" + secrets.token_hex(5)
                admin.cursor().execute(f'CREATE DATABASE "{name}"')
                self.made.add(name)
                while not self.stopping.is_set():
                    try:
                        self.spare.put(name, timeout=0.2)
                        break
                    except queue.Full:
                        pass
        finally:
            admin.close()

    def _drop(self) -> None:
        admin = self._admin()
        try:
            while (name := self.done.get()) is not None:
                # WITH (FORCE): a daemon child still closing its connection is not waited for
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.made.discard(name)
        finally:
            admin.close()

    def take(self) -> str:
        from urllib.parse import urlparse

        name = self.spare.get(timeout=120)
        return urlparse(self.url)._replace(path="/" + name).geturl()

    def give_back(self, url: str) -> None:
        from urllib.parse import urlparse

        self.done.put(urlparse(url).path.lstrip("/"))

    def close(self) -> None:
        """At the end of the session: drop what is left, the spare too."""
        self.stopping.set()
        self.done.put(None)
        for t in self.threads:
            t.join(120)
        admin = self._admin()
        try:
            for name in list(self.made):
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()


_pg_databases: PgDatabases | None = None


def new_pg_database() -> str:
    global _pg_databases
    if not PG_URL:
        raise RuntimeError("TICKETD_TEST_BACKEND=postgres needs TICKETD_TEST_POSTGRES_URL")
    if _pg_databases is None:
        _pg_databases = PgDatabases(PG_URL)
    return _pg_databases.take()


def drop_pg_database(url: str) -> None:
    """The test that used it has ended (its daemons are stopped)."""
    if _pg_databases is not None:
        _pg_databases.give_back(url)


@pytest.fixture(autouse=True, scope="session")
def _drop_pg_databases():
    yield
    if _pg_databases is not None:
        _pg_databases.close()
