"""The command line as an admin uses it: explain, tickets, outbox, quarantine."""

from __future__ import annotations

import json

from conftest import config_text, make_mail, wait_for


def write_eml(tmp_path, mail, name="mail.eml"):
    path = tmp_path / name
    path.write_bytes(mail.as_bytes())
    return path


def test_explain_new_ticket_names_rule_queue_assignee_and_notices(daemon, tmp_path):
    eml = write_eml(tmp_path, make_mail(frm="eve@bigcorp.example", subject="Refund for May"))
    info = json.loads(daemon.cli("explain", str(eml), "--json").stdout)
    assert info["outcome"] == "new_ticket"
    assert info["route"]["queue"] == "billing"
    assert info["route"]["queue_reason"] == "rule 'Refunds go to billing'"
    assert info["route"]["rules"] == [{"rule": "Refunds go to billing",
                                       "because": ["subject has 'refund'"]}]
    assert info["route"]["priority"] == "high"
    assert "least_open" in info["route"]["assignee"]
    assert [n["template"] for n in info["notices"]] == ["ack", "staff_new"]
    text = daemon.cli("explain", str(eml)).stdout.decode()
    assert "Refunds go to billing" in text and "billing" in text
    assert daemon.tickets() == []  # a dry run changes nothing


def test_explain_follow_up_names_ticket_and_rung(daemon, tmp_path):
    daemon.send(make_mail(message_id="<first@customer.example>"))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    eml = write_eml(tmp_path, make_mail(subject="Re: hello",
                                        headers={"In-Reply-To": "<first@customer.example>"}))
    info = json.loads(daemon.cli("explain", str(eml), "--json").stdout)
    assert info["outcome"] == "append"
    assert (info["ticket_id"], info["thread_rung"]) == (ticket["id"], "In-Reply-To")
    assert len(daemon.ticket(ticket["id"])["messages"]) == 3  # unchanged: in, ack, notice


def test_explain_unparseable_says_quarantine(daemon, tmp_path):
    eml = tmp_path / "junk.eml"
    eml.write_bytes(b"\x00\x01\x02\x03")
    info = json.loads(daemon.cli("explain", str(eml), "--json").stdout)
    assert info["outcome"] == "quarantine" and info["reason"]


def test_tickets_commands_change_and_record(daemon, sink):
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    tid = str(ticket["id"])
    daemon.cli("tickets", "assign", tid, "Bob Roe", "--as", "alice@example.com")
    daemon.cli("tickets", "status", tid, "resolved", "--as", "bob@example.com")
    daemon.cli("tickets", "note", tid, "called the customer", "--as", "bob@example.com")
    detail = daemon.ticket(ticket["id"])
    assert detail["assignee"] == "bob@example.com"
    assert detail["status"] == "resolved" and detail["resolved_by"] == "bob@example.com"
    actions = [(e["actor"], e["action"], e["new"]) for e in detail["events"]]
    assert ("alice@example.com", "assignee", "bob@example.com") in actions
    assert ("bob@example.com", "status", "resolved") in actions
    assert ("bob@example.com", "note", "called the customer") in actions
    notes = [m for m in detail["messages"] if m["kind"] == "note"]
    assert notes[0]["text"] == "called the customer"
    # bob is told of the assignment; the customer of the resolution, never of the note
    wait_for(lambda: any("assigned to you" in m["Subject"] for m in sink.to("bob@example.com")),
             what="the assignment notice")
    customer = wait_for(lambda: (lambda m: m if len(m) == 2 else None)(
        sink.to("dana@customer.example")), what="ack and resolution notice")
    assert "resolved" in customer[1]["Subject"]
    assert all("called the customer" not in m.get_content() for m in customer)


def test_tickets_list_filters_and_json_fields(daemon):
    for subject in ("Refund A", "Printer B", "Refund C"):
        daemon.send(make_mail(subject=subject))
    wait_for(lambda: len(daemon.tickets()) == 3, what="3 tickets")
    billing = daemon.tickets("--queue", "billing")
    assert [t["subject"] for t in billing] == ["Refund C", "Refund A"]  # newest first
    assert set(billing[0]) >= {"id", "subject", "status", "queue", "assignee", "requester",
                               "priority", "tags", "created_at", "updated_at"}
    assert billing[0]["created_at"].endswith("+00:00")
    assert len(daemon.tickets("--limit", "1")) == 1
    assert daemon.tickets("--status", "closed") == []
    table = daemon.cli("tickets", "list").stdout.decode()
    assert "Printer B" in table and table.splitlines()[0].startswith("ID")


def test_tickets_list_pages_newest_first_with_a_default_limit(daemon):
    for i in range(5):  # one at a time: two workers could number a burst in any order
        daemon.send(make_mail(subject=f"Page {i}"))
        wait_for(lambda n=i + 1: len(daemon.tickets()) == n, what=f"{i + 1} tickets")
    first = daemon.cli("tickets", "list", "--limit", "2", "--json")
    page1 = [t["subject"] for t in json.loads(first.stdout)]
    assert page1 == ["Page 4", "Page 3"]
    last_id = json.loads(first.stdout)[-1]["id"]
    assert f"--before {last_id}" in first.stderr.decode()  # how to get the next page
    page2 = daemon.json("tickets", "list", "--limit", "2", "--before", str(last_id))
    assert [t["subject"] for t in page2] == ["Page 2", "Page 1"]
    assert len(daemon.json("tickets", "list")) == 5  # under the default limit of 50


def test_unknown_ticket_exits_1(daemon):
    r = daemon.cli("tickets", "show", "999", check=False)
    assert r.returncode == 1 and b"no ticket #999" in r.stderr


def test_outbox_retry_makes_failed_mail_due(daemon_factory, sink):
    sink.handler.refuse_with = "550 5.1.1 No such user"
    d = daemon_factory(config_text(sink.port))
    d.send(make_mail())
    wait_for(lambda: [o for o in d.outbox() if o["status"] == "failed"], what="failures")
    sink.handler.refuse_with = None
    assert b"due now" in d.cli("outbox", "retry").stdout
    wait_for(lambda: {o["status"] for o in d.outbox()} == {"sent"}, what="resent")


def test_quarantine_retry_and_drop(daemon):
    from conftest import send

    send(daemon.port, b"\x01 garbage one", rcpt=["support@example.com"])
    send(daemon.port, b"\x02 garbage two", rcpt=["support@example.com"])
    rows = wait_for(lambda: (lambda r: r if len(r) == 2 else None)(
        daemon.json("quarantine", "list")), what="two quarantined")
    assert daemon.cli("quarantine", "retry", str(rows[0]["id"]), check=False).returncode == 2
    daemon.cli("quarantine", "drop", str(rows[1]["id"]))
    left = daemon.json("quarantine", "list")
    assert [r["id"] for r in left] == [rows[0]["id"]]
    assert daemon.cli("quarantine", "drop", "9999", check=False).returncode == 1


def test_tickets_list_and_show_load_nothing_that_changes_tickets(daemon):
    """Typed often, so quick: reading tickets loads neither the table of changes, nor
    notices and templates, nor the config's cross-section checks, nor even peewee, the
    models or the config schema (~200 ms of imports, on either backend)."""
    import subprocess
    import sys

    daemon.send(make_mail(subject="Refund please"))
    tid = wait_for(lambda: daemon.tickets(), what="the ticket")[0]["id"]
    probe = ("import json, sys; from daemon.cli.main import main; code = main(sys.argv[1:]); "
             "print(json.dumps([code, sorted(m for m in ('jinja2', 'daemon.tickets.actions', "
             "'daemon.tickets.commands', 'daemon.config.checks', 'daemon.notices.notify', "
             "'peewee', 'daemon.store.models', 'daemon.config.schema', 'ssl', 'argparse') "
             "if m in sys.modules)]))")
    for args in (["tickets", "list", "--status", "new", "--queue", "billing"],
                 ["tickets", "list", "--assignee", "alice", "--status", "new", "--json"],
                 ["tickets", "show", str(tid)], ["tickets", "show", str(tid), "--json"]):
        r = subprocess.run([sys.executable, "-c", probe, "-c", str(daemon.config), *args],
                           capture_output=True, cwd=daemon.folder, timeout=60)
        out = r.stdout.decode()
        assert "Refund please" in out, r.stderr.decode()
        assert json.loads(out.splitlines()[-1]) == [0, []]


def test_tickets_show_reads_the_config_the_parser_finds_not_the_one_guessed_first(daemon,
                                                                                 tmp_path):
    """`tickets show` opens the database of the config the command line seems to name
    while argparse works. `--conf` after the subcommand (a prefix argparse accepts) is
    not looked for, so the head start opens the daemon's config given first with -c: the
    parser's answer, another database without the ticket, must win."""
    import subprocess
    import sys

    daemon.send(make_mail(subject="Only in the daemon's database"))
    tid = wait_for(daemon.tickets, what="the ticket")[0]["id"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text(config_text(directory="outbox").replace(
        'database = "sqlite:///ticketd.db"', 'database = "sqlite:///other.db"'))
    daemon.cli("--conf", str(other / "config.toml"), "migrate")

    def show(*after):
        return subprocess.run([sys.executable, "-m", "daemon", "-c", str(daemon.config),
                               "tickets", "show", str(tid), *after], cwd=daemon.folder,
                              capture_output=True, timeout=60)

    assert b"Only in the daemon's database" in show().stdout
    r = show("--conf", str(other / "config.toml"))
    assert r.returncode == 1 and f"no ticket #{tid}".encode() in r.stderr, r.stderr
