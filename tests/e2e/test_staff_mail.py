"""Staff work by email, end to end: relayed replies, commands, notes, refusals, self-service."""

from __future__ import annotations

import re

import pytest
from conftest import config_text, make_mail, wait_for
from staffmail import (
    AUTH_PASS,
    MX,
    body,
    customer_reply,
    gmail_reply,
    mail_to,
    outbox_settled,
    outlook_reply,
    wait_processed,
)

DANA = "dana@customer.example"
# Bob acts on tickets whose notices went to someone else: his mail is vouched for by
# our MTA. (The assignee answering her own notice needs nothing: her reply token.)
BOB_AUTHENTICATED = {"Authentication-Results": AUTH_PASS}


@pytest.fixture
def daemon(daemon_factory, sink):
    return daemon_factory(config_text(sink.port, extra=f'\n[security]\n'
                                                      f'trust_authentication_results = "{MX}"\n'))


def open_ticket(daemon, sink, **mail):
    """A customer mail; returns (ticket, the assignee's notice, the customer's mail)."""
    first = make_mail(**mail)
    daemon.send(first)
    ticket = wait_for(daemon.tickets, what="a ticket")[-1]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    mail_to(sink, DANA, f"[Ticket #{ticket['id']}]", what="the ack")
    return ticket, notice, first


def relays(sink, ticket_id, addr=DANA):
    return [m for m in sink.to(addr) if f"[Ticket #{ticket_id}]" in m["Subject"]
            and " via " in m["From"]]


@pytest.mark.parametrize("client", [gmail_reply, outlook_reply])
def test_staff_reply_reaches_the_customer_as_staff_text_only_threaded(daemon, sink, client):
    ticket, notice, first = open_ticket(daemon, sink)
    assert ticket["assignee"] == "alice@example.com"
    daemon.send(client(notice, "Hi Dana,\n\nplease unplug it and wait ten minutes.\n\nAlice"))

    relay = wait_for(lambda: relays(sink, ticket["id"]), what="the relayed reply")[0]
    text = body(relay)
    assert "please unplug it and wait ten minutes." in text
    assert "My printer is on fire" not in text  # the quoted notice stays behind
    assert "wrote:" not in text and "Sent:" not in text and "> " not in text
    assert relay["From"] == "Alice Doe via Example Support <support@example.com>"
    assert relay["To"] == DANA
    assert relay["Reply-To"] is None
    assert relay["Auto-Submitted"] is None  # a person wrote it
    assert f"[Ticket #{ticket['id']}]" in relay["Subject"]
    assert relay["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in relay["References"]
    assert "alice@example.com" not in str(relay)

    detail = daemon.ticket(ticket["id"])
    assert detail["status"] == "open"  # the first staff action opens a new ticket
    staff_in = [m for m in detail["messages"] if m["direction"] == "in" and m["kind"] == "staff"]
    assert staff_in[0]["from"] == "alice@example.com"
    out = [m for m in detail["messages"] if m["direction"] == "out" and m["kind"] == "staff"]
    assert out[0]["message_id"] == relay["Message-ID"].strip("<>")

    # The customer answers the relayed mail; the assignee hears of it.
    daemon.send(customer_reply(relay, "Unplugged it, now it smokes less."))
    followup = mail_to(sink, "alice@example.com", f"[Ticket #{ticket['id']}]", n=2)[-1]
    assert "now it smokes less" in body(followup)
    assert len(daemon.tickets()) == 1


def test_files_a_staff_member_attaches_reach_the_customer(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    reply = gmail_reply(notice, "Hi Dana,\n\nthe manual is attached.\n\nAlice")
    manual = b"%PDF-1.4 the printer manual\n" + bytes(range(256)) * 40
    reply.add_attachment(manual, maintype="application", subtype="pdf",
                         filename="Drucker Handbuch.pdf")
    daemon.send(reply)
    relay = wait_for(lambda: relays(sink, ticket["id"]), what="the relayed reply")[0]
    files = [p for p in relay.iter_attachments()]
    assert [(p.get_filename(), p.get_content_type()) for p in files] == [
        ("Drucker Handbuch.pdf", "application/pdf")]
    assert files[0].get_content() == manual
    assert "the manual is attached." in body(relay)
    out = [m for m in daemon.ticket(ticket["id"])["messages"]
           if m["direction"] == "out" and m["kind"] == "staff"]
    assert [(a["filename"], a["size"]) for a in out[0]["attachments"]] == [
        ("Drucker Handbuch.pdf", len(manual))]


def test_status_resolved_with_text_is_one_mail_to_the_customer(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#status resolved\n\nReplaced the fuser, all good now."))
    relay = wait_for(lambda: relays(sink, ticket["id"]), what="the relay")[0]
    assert "Replaced the fuser" in body(relay)
    assert "resolved" in body(relay)
    assert "#status" not in body(relay)
    outbox_settled(daemon)
    to_dana = [m for m in sink.to(DANA)]
    assert len(to_dana) == 2  # the ack and the relay; no separate "resolved" mail
    detail = daemon.ticket(ticket["id"])
    assert (detail["status"], detail["resolved_by"]) == ("resolved", "alice@example.com")


CASES = [
    ("#assign bob", lambda t: t["assignee"] == "bob@example.com"),
    ("#assign Carol Poe", lambda t: t["assignee"] == "carol@example.com"),
    ("#assign me", lambda t: t["assignee"] == "bob@example.com"),
    ("#take", lambda t: t["assignee"] == "bob@example.com"),
    ("#status pending", lambda t: t["status"] == "pending"),
    ("#status closed", lambda t: t["status"] == "closed"),
    ("#priority urgent", lambda t: t["priority"] == "urgent"),
    ("#queue sales", lambda t: t["queue"] == "sales"),
    ("#tag printer", lambda t: "printer" in t["tags"]),
    ("#cc add eve@customer.example", lambda t: t["participants"] == ["eve@customer.example"]),
]


@pytest.mark.parametrize("command, holds", CASES, ids=[c for c, _ in CASES])
def test_each_command_alone(daemon, sink, command, holds):
    ticket, notice, _ = open_ticket(daemon, sink)
    daemon.send(outlook_reply(notice, command, frm="Bob Roe <bob@example.com>",
                              headers=BOB_AUTHENTICATED))
    wait_processed(daemon, 2)
    detail = daemon.ticket(ticket["id"])
    assert holds(detail), detail
    assert detail["status"] != "new"
    actions = [e for e in detail["events"] if e["actor"] == "bob@example.com"]
    assert actions, "the change is recorded with its actor"
    outbox_settled(daemon)
    assert relays(sink, ticket["id"]) == []  # commands alone relay nothing


def test_untag_and_cc_drop(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink, cc="eve@customer.example",
                                    subject="Refund please")  # billing, tag finance
    daemon.send(gmail_reply(notice, "#untag finance\n#cc drop eve@customer.example",
                            frm=f"<{ticket['assignee']}>"))
    wait_processed(daemon, 2)
    detail = daemon.ticket(ticket["id"])
    assert detail["tags"] == [] and detail["participants"] == []
    actions = {e["action"] for e in detail["events"]}
    assert {"tag removed", "participant removed"} <= actions


def test_commands_combined_with_text(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#priority high\n#tag hardware\n#assign bob\n"
                                    "#status pending\n\nCould you send a photo of the label?"))
    relay = wait_for(lambda: relays(sink, ticket["id"]), what="the relay")[0]
    assert body(relay).startswith("Could you send a photo of the label?")
    assert "waiting for your answer" in body(relay)
    detail = daemon.ticket(ticket["id"])
    assert (detail["priority"], detail["tags"], detail["assignee"], detail["status"]) == (
        "high", ["hardware"], "bob@example.com", "pending")
    assigned = mail_to(sink, "bob@example.com", "assigned to you")[0]
    assert f"[Ticket #{ticket['id']}]" in assigned["Subject"]


def test_note_reaches_no_customer(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink, cc="eve@customer.example")
    daemon.send(gmail_reply(notice, "#note\nCustomer is on the old contract, careful.",
                            frm="Bob Roe <bob@example.com>", headers=BOB_AUTHENTICATED))
    note = mail_to(sink, "alice@example.com", "note:")[0]  # the assignee hears of it
    assert "old contract" in body(note)
    outbox_settled(daemon)
    for customer in (DANA, "eve@customer.example"):
        assert all("old contract" not in body(m) for m in sink.to(customer))
        assert relays(sink, ticket["id"], customer) == []
    detail = daemon.ticket(ticket["id"])
    notes = [m for m in detail["messages"] if m["kind"] == "note"]
    assert len(notes) == 1 and notes[0]["from"] == "bob@example.com"
    assert any(e["action"] == "note" and e["actor"] == "bob@example.com"
               for e in detail["events"])


def test_bad_command_changes_nothing_and_the_staff_member_is_told_why(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#assign bob\n#status finished\n#priority meh\n\n"
                                    "Dear Dana, this must not reach you."))
    error = mail_to(sink, "alice@example.com", "command not applied")[0]
    assert "'finished' is not a status" in body(error)
    assert "'meh' is not a priority" in body(error)
    assert error["In-Reply-To"] is not None
    outbox_settled(daemon)
    after = daemon.ticket(ticket["id"])
    for key in ("status", "assignee", "priority", "queue", "tags", "participants"):
        assert after[key] == ticket.get(key, after[key]), key
    assert after["status"] == "new" and after["assignee"] == "alice@example.com"
    assert relays(sink, ticket["id"]) == []
    assert all("must not reach you" not in body(m) for m in sink.to(DANA))
    assert [m for m in sink.to("bob@example.com") if "assigned" in m["Subject"]] == []


def test_unknown_staff_name_is_refused(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#assign mallory\n#frobnicate\nHello"))
    error = mail_to(sink, "alice@example.com", "command not applied")[0]
    assert "'mallory' is not a staff member" in body(error)
    assert "#frobnicate: unknown command" in body(error)
    assert daemon.ticket(ticket["id"])["assignee"] == "alice@example.com"


def test_status_subject_lists_the_senders_open_tickets(daemon, sink):
    for subject in ("Printer on fire", "Scanner jammed", "Old question"):
        daemon.send(make_mail(subject=subject))
    wait_for(lambda: len(daemon.tickets()) == 3, what="3 tickets")
    old = [t for t in daemon.tickets() if t["subject"] == "Old question"][0]
    daemon.cli("tickets", "status", str(old["id"]), "resolved")
    daemon.send(make_mail(frm="eve@customer.example", subject="Other person's ticket"))
    wait_for(lambda: len(daemon.tickets()) == 4, what="4 tickets")
    for _ in range(4):
        daemon.send(make_mail(subject="status", body="\n"))
    wait_processed(daemon, 8)
    outbox_settled(daemon)
    lists = [m for m in sink.to(DANA) if "open tickets" in m["Subject"]]
    assert len(lists) == 3  # at most status_requests_per_hour (3) answers an hour
    text = body(lists[0])
    assert "Printer on fire" in text and "Scanner jammed" in text
    assert "Old question" not in text and "Other person" not in text
    assert re.search(r"\[Ticket #\d+\] Printer on fire\s+status new, assigned to \w+", text)
    assert lists[0]["To"] == DANA and lists[0]["Cc"] is None
    assert len(daemon.tickets()) == 4  # no ticket was made of it


def test_staff_out_of_office_reply_is_not_relayed(daemon, sink):
    ticket, notice, _ = open_ticket(daemon, sink)
    ooo = gmail_reply(notice, "I am out of the office until Monday.",
                      headers={"Auto-Submitted": "auto-replied"})
    daemon.send(ooo)
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    assert relays(sink, ticket["id"]) == []
    assert daemon.ticket(ticket["id"])["status"] == "new"
