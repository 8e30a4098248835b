"""IMAP fixtures: a real Dovecot per test, `[[imap]]` config sections, mail to APPEND.

Not a conftest.py: a second module named conftest would shadow the top one that
test modules import helpers from. Test modules import these fixtures by name.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import Store, config_text, make_mail  # noqa: F401 (re-exported)
from dovecot import DOVEADM, DOVECOT, Dovecot


@pytest.fixture(name="dovecot")
def dovecot_fixture(tmp_path):
    if not DOVECOT or not DOVEADM:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    d = Dovecot(keep_log_in=tmp_path)
    d.add_user("support", "support-pw")
    d.add_user("sales", "sales-pw")
    d.start()
    yield d
    d.cleanup()


def imap_section(dovecot: Dovecot, folder: Path, name: str = "support", user: str | None = None,
                 password: str | None = None, **options) -> str:
    """One `[[imap]]` TOML section pointing at the fixture; the password goes in a file."""
    user = user or name
    opts = {"poll_seconds": 2, "timeout_seconds": 10, **options}
    if not any(k in opts for k in ("oauth2_token_file", "oauth2_token_command", "password_env",
                                   "oauth2_refresh_token_file")):
        secret = folder / f"{name}.secret"
        secret.write_text(password if password is not None else dovecot.users[user])
        opts["password_file"] = str(secret)
    lines = [f"{k} = {_toml(v)}" for k, v in opts.items()]
    return textwrap.dedent(f"""
        [[imap]]
        name = "{name}"
        host = "127.0.0.1"
        port = {dovecot.port}
        tls = false
        username = "{user}"
        """) + "\n".join(lines) + "\n"


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return str(v)


def mails(n: int, tag: str = "m", start: int = 0, to: str = "help@provider.example"
          ) -> list[bytes]:
    """n distinct customer mails, each from its own sender (so acks are not rate-limited).

    Sent to an address no queue claims, so the mailbox's queue decides.
    """
    return [make_mail(frm=f"Customer {i} <c{i}@customer.example>", to=to,
                      subject=f"{tag} request {i}", body=f"Request number {i}.\n",
                      message_id=f"<{tag}-{i}@customer.example>").as_bytes()
            for i in range(start, start + n)]


def spool_rows(folder: Path) -> list[tuple]:
    """(mailbox, Message-ID, state) of every mail stored, read straight from the database
    (repeated deliveries are mail log lines of their own, without bytes: left out)."""
    store = Store._by_folder.get(folder)
    if store is None or (not store.pg_url and not (folder / "ticketd-spool.db").exists()):
        return []  # no daemon has made the stores yet
    try:
        return store.query("spool", "SELECT mailbox, message_id, state FROM spool "
                                    "WHERE outcome IS NULL OR outcome != 'duplicate'")
    except Exception as exc:  # the tables are not there yet: sqlite3 or psycopg2 says so
        if "spool" in str(exc):
            return []
        raise
