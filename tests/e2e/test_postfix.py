"""Issue 12, point 17: the README's Postfix set-ups, against a real Postfix.

Postfix relays to ticketd's listener by a transport map; or pipe(8) runs `ticketd ingest`
as the `ticketd` user (a transport route); or an alias pipe runs it as the owner of the
alias file. In each, `ticketd run` takes the mail on and sends the acknowledgement.
"""

from __future__ import annotations

import os
import shutil
import smtplib
import subprocess
from pathlib import Path

import pytest
from conftest import BACKEND, config_text, make_mail, wait_for
from postfix import POSTFIX, Postfix, ensure_pipe_user, shared_dir, ticketd_command

pytestmark = pytest.mark.skipif(
    not POSTFIX, reason="Postfix is not installed (apt-get install postfix; .ci/run does it)")

DANA = "dana@customer.example"
DOC = (Path(__file__).resolve().parents[2] / "docs" / "postfix.md").read_text()


def doc_block(section: str, first_line: str) -> str:
    """The code block under `## <section>...` whose first line is `first_line`."""
    part = DOC[DOC.index(f"## {section}"):]
    part = part[:part.find("\n## ", 1)] if "\n## " in part[1:] else part
    for block in part.split("```")[1::2]:
        lines = block.strip("\n").split("\n")
        if lines[0] == first_line:
            return "\n".join(lines[1:]) + "\n"
    raise AssertionError(f"docs/postfix.md: no block {first_line!r} under {section!r}")


def settings(block: str) -> dict[str, str]:
    pairs = (line.split(" = ", 1) for line in block.splitlines() if " = " in line)
    return {k.strip(): v.strip().replace("/etc/postfix/", "{etc}/")
            .replace("/etc/aliases", "{etc}/aliases") for k, v in pairs}


def ours(text: str, d) -> str:
    """The documented paths, port and user, as this test's ticketd has them."""
    return (text.replace("/opt/ticketd/.venv/bin/ticketd", d.command)
            .replace("/etc/ticketd/config.toml", str(d.config))
            .replace("user=ticketd", f"user={d.user}")
            .replace("127.0.0.1]:2525", f"127.0.0.1]:{d.port}"))


@pytest.fixture
def ticketd(daemon_factory, sink):
    """ticketd as the README installs it: its folder owned by the `ticketd` user, the
    database made by `ticketd migrate` as that user, then `ticketd run`."""
    if os.geteuid() != 0:
        pytest.fail("the Postfix tests start Postfix, which needs root (the CI runs as root)")
    user = ensure_pipe_user()
    folder = shared_dir("ticketd-folder-", owner=user)
    try:
        d = daemon_factory(config_text(sink.port), start=False, folder=folder)
        d.command, d.user = ticketd_command(folder, user), user
        migrated = subprocess.run(["runuser", "-u", user, "--", d.command, "-c",
                                   str(d.config), "migrate"], capture_output=True, text=True,
                                  cwd=folder)
        assert migrated.returncode == 0, migrated.stderr
        d.start()
        yield d
        d.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postfix_factory():
    made: list[Postfix] = []

    def make(**kw) -> Postfix:
        pf = Postfix(**kw)
        made.append(pf)
        return pf.start()

    yield make
    for pf in made:
        pf.stop()


def arrived(d, sink, subject: str):
    ticket = wait_for(lambda: [t for t in d.tickets() if t["subject"] == subject],
                      timeout=60, what=f"the ticket {subject!r}")[0]
    ack = wait_for(lambda: [m for m in sink.to(DANA) if subject in (m["Subject"] or "")],
                   what="the acknowledgement, sent by `ticketd run`")[0]
    assert f"[Ticket #{ticket['id']}]" in ack["Subject"]
    return ticket


def test_point_17_postfix_relays_to_the_listener_by_a_transport_map(ticketd, sink,
                                                                     postfix_factory):
    section = "1. SMTP transport"
    pf = postfix_factory(
        main=settings(doc_block(section, "# /etc/postfix/main.cf")),
        maps={"transport": ours(doc_block(section, "# /etc/postfix/transport"), ticketd)})
    pf.send(make_mail(frm=DANA, subject="Through Postfix by SMTP"), DANA,
            ["support@example.com"])
    ticket = arrived(ticketd, sink, "Through Postfix by SMTP")
    assert (ticket["queue"], ticket["requester"]) == ("general", DANA)
    assert ticketd.spool_sql("SELECT source, mail_from FROM spool") == [("smtp", DANA)]
    wait_for(lambda: "Mail queue is empty" in pf.queue(), what="Postfix's queue empty")
    with pytest.raises(smtplib.SMTPRecipientsRefused, match="Relay access denied"):
        pf.send(make_mail(frm=DANA, to="x@elsewhere.example"), DANA, ["x@elsewhere.example"])


def test_point_17_postfix_pipe_transport_runs_ingest_as_the_ticketd_user(ticketd, sink,
                                                                         postfix_factory):
    section = "2. pipe(8) transport"
    pf = postfix_factory(
        main=settings(doc_block(section, "# /etc/postfix/main.cf")),
        master=ours(doc_block(section, "# /etc/postfix/master.cf"), ticketd),
        maps={"transport": doc_block(section, "# /etc/postfix/transport")})
    mail = make_mail(frm=DANA, to="support@example.com", subject="Through the pipe")
    pf.send(mail, DANA, ["billing@example.com"])  # as if Bcc'd: only the envelope knows
    ticket = arrived(ticketd, sink, "Through the pipe")
    assert ticket["queue"] == "billing"  # --recipient routed it
    assert ticketd.spool_sql("SELECT source, mail_from, rcpt_to FROM spool") == [
        ("pipe", DANA, '["billing@example.com"]')]
    wait_for(lambda: "Mail queue is empty" in pf.queue(), what="Postfix's queue empty")


def alias_postfix(postfix_factory, ticketd, owner):
    section = "3. An alias"
    return postfix_factory(
        main=settings(doc_block(section, "# /etc/postfix/main.cf")),
        maps={"aliases": "", "ticketd-aliases": ours(
            doc_block(section, "# /etc/postfix/ticketd-aliases"), ticketd)},
        map_owner=owner)


def test_point_17_postfix_alias_pipe_runs_as_the_alias_files_owner(ticketd, sink,
                                                                   postfix_factory):
    pf = alias_postfix(postfix_factory, ticketd, ticketd.user)
    pf.send(make_mail(frm=DANA, subject="Through an alias"), DANA, ["support@example.com"])
    arrived(ticketd, sink, "Through an alias")
    assert ticketd.spool_sql("SELECT source FROM spool") == [("pipe",)]
    wait_for(lambda: "Mail queue is empty" in pf.queue(), what="Postfix's queue empty")


@pytest.mark.skipif(BACKEND == "postgres", reason="about the SQLite file's owner (nobody may "
                                                   "connect to PostgreSQL)")
def test_point_17_a_root_owned_alias_runs_as_nobody_and_the_mail_waits(ticketd, sink,
                                                                      postfix_factory):
    """What went wrong as the old README had it: local(8) runs the pipe as `nobody`, who
    cannot write ticketd's database; ingest exits 75 and Postfix keeps the mail."""
    pf = alias_postfix(postfix_factory, ticketd, None)
    pf.send(make_mail(frm=DANA, subject="As nobody"), DANA, ["support@example.com"])
    held = wait_for(lambda: "cannot store mail now" in pf.queue() and pf.queue(),
                    timeout=60, what="the mail deferred in Postfix's queue")
    assert "temporary failure" in held and "support@example.com" in held, held
    assert ticketd.tickets() == []
