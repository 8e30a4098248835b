"""Issue 12, point 6: a forged bounce marks nobody; `ticketd bounces list|clear` undoes a
mark. The bounces are sent over SMTP with a null sender, as an MTA sends them."""

from __future__ import annotations

from conftest import make_mail, send, wait_for
from mailbuild import dsn
from staffmail import gmail_reply, mail_to, relays_to

DANA = "dana@customer.example"
EVE = "eve@customer.example"


def bounce_events(daemon, ticket_id: int, n: int):
    return wait_for(lambda: (lambda ev: ev if len(ev) >= n else None)(
        [e for e in daemon.ticket(ticket_id)["events"] if e["action"] == "bounce"]),
        what=f"{n} bounce event(s)")


def test_point_6_a_forged_bounce_naming_no_recipient_of_that_mail_marks_nobody(daemon, sink):
    daemon.send(make_mail(cc=EVE))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    daemon.send(gmail_reply(notice, "We are on it.", frm=ticket["assignee"]))
    relay = relays_to(sink, DANA)[0]  # to Dana, Cc Eve: Eve knows its Message-ID
    assert EVE in relay["Cc"]

    # Eve "returns" the relay with no failed recipient named, then naming Dana on a
    # Message-ID we never sent.
    send(daemon.port, dsn(relay["Message-ID"], None), mail_from="<>")
    send(daemon.port, dsn(f"<ticketd.{'0' * 24}@example.com>", DANA), mail_from="<>")
    send(daemon.port, dsn(relay["Message-ID"], "carol@customer.example"), mail_from="<>")
    wait_for(lambda: daemon.spool_sql("select count(*) from spool where state != 'new'")[0][0]
             >= 5, what="the bounces processed")
    bounce_events(daemon, ticket["id"], 2)
    assert daemon.json("bounces", "list", "--json") == []
    assert not any(e["action"] == "address bouncing"
                   for e in daemon.ticket(ticket["id"])["events"])


def test_point_6_bounces_list_and_clear_undo_a_mark(daemon, sink):
    gone = "gone@customer.example"
    daemon.send(make_mail(frm=gone, subject="First"))
    ack = wait_for(lambda: sink.to(gone), what="the ack")[0]
    send(daemon.port, dsn(ack["Message-ID"], gone), mail_from="<>")
    marks = wait_for(lambda: daemon.json("bounces", "list", "--json"), what="the mark")
    assert [(m["address"], m["status"]) for m in marks] == [(gone, "5.1.1")]
    assert gone in daemon.cli("bounces", "list").stdout.decode()

    r = daemon.cli("bounces", "clear", gone.upper())
    assert "cleared" in r.stdout.decode()
    assert daemon.json("bounces", "list", "--json") == []
    assert daemon.cli("bounces", "clear", gone, check=False).returncode == 1
    daemon.send(make_mail(frm=gone, subject="Second"))  # acknowledged again
    wait_for(lambda: len(sink.to(gone)) == 2, what="the second ack")
