"""End to end: the daemon as a subprocess, smtplib in, an aiosmtpd sink as the relay out."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import make_mail, wait_for


def only_ticket(daemon):
    tickets = wait_for(daemon.tickets, what="a ticket")
    assert len(tickets) == 1
    return tickets[0]


def ack_for(sink, addr):
    return wait_for(lambda: sink.to(addr), what=f"mail to {addr}")[0]


def test_new_ticket_is_stored_routed_and_acknowledged(daemon, sink):
    daemon.send(make_mail(subject="Printer on fire", message_id="<m1@customer.example>"))
    ticket = only_ticket(daemon)
    assert ticket["subject"] == "Printer on fire"
    assert ticket["status"] == "new"
    assert ticket["queue"] == "general"
    assert ticket["requester"] == "dana@customer.example"
    assert ticket["assignee"] == "alice@example.com"  # round robin starts at the first member

    ack = ack_for(sink, "dana@customer.example")
    assert f"[Ticket #{ticket['id']}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<m1@customer.example>"
    staff = wait_for(lambda: sink.to("alice@example.com"), what="the assignee's notice")[0]
    assert f"[Ticket #{ticket['id']}]" in staff["Subject"]
    assert staff["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize("mail, queue, priority, tags", [
    (dict(subject="Refund please"), "billing", "high", ["finance"]),
    (dict(subject="Help", body="Our server is down since noon.\n"), "general", "urgent",
     ["outage"]),
    (dict(subject="Question", body="My lawyer will call you.\n"), "sales", "normal", ["legal"]),
    (dict(subject="GDPR request"), "sales", "normal", ["legal"]),
    (dict(frm="Eve <eve@bigcorp.example>", subject="Hello"), "general", "high", ["vip"]),
    (dict(to="partners@example.com", subject="Deal"), "sales", "normal", ["partner"]),
    (dict(to="billing@example.com", subject="A question"), "billing", "normal", []),
    (dict(subject="Refunding is not a keyword"), "general", "normal", []),
])
def test_each_rule_field_routes(daemon, mail, queue, priority, tags):
    daemon.send(make_mail(**mail))
    ticket = only_ticket(daemon)
    assert (ticket["queue"], ticket["priority"], ticket["tags"]) == (queue, priority, tags)


def test_stop_false_lets_later_rules_add(daemon):
    daemon.send(make_mail(frm="eve@bigcorp.example", to="partners@example.com", subject="Hi"))
    ticket = only_ticket(daemon)
    assert ticket["queue"] == "sales"  # from the later rule
    assert ticket["priority"] == "high"  # from the stop = false rule
    assert ticket["tags"] == ["vip", "partner"]  # tags add up


def test_a_stopping_rule_ends_the_search(daemon):
    daemon.send(make_mail(frm="eve@bigcorp.example", subject="Refund for order 7"))
    ticket = only_ticket(daemon)
    assert (ticket["queue"], ticket["tags"]) == ("billing", ["finance"])


@pytest.mark.parametrize("subject", [
    "Re: [Ticket #{id}] Printer on fire",
    "AW: [Ticket #{id}] Printer on fire",
    "RE: Fwd: [Ticket #{id}] Printer on fire",
    "re:[ticket   #{id}]Printer",
    "AW: WG: Re[3]: [Ticket#{id}] Drucker",
    "Printer [ Ticket # {id} ] still burning",
])
def test_reply_threads_by_subject_tag(daemon, subject):
    daemon.send(make_mail())
    first = only_ticket(daemon)
    daemon.send(make_mail(subject=subject.format(id=first["id"]), body="Still burning.\n"))
    wait_for(lambda: len(daemon.ticket(first["id"])["messages"]) >= 4, what="the follow-up")
    assert len(daemon.tickets()) == 1
    inbound = [m for m in daemon.ticket(first["id"])["messages"] if m["direction"] == "in"]
    assert [m["visible_text"] for m in inbound][-1] == "Still burning."


def test_reply_without_tag_threads_by_in_reply_to_the_ack(daemon, sink):
    daemon.send(make_mail())
    first = only_ticket(daemon)
    ack = ack_for(sink, "dana@customer.example")
    daemon.send(make_mail(subject="Re: your mail", body="Thanks!\n",
                          headers={"In-Reply-To": ack["Message-ID"],
                                   "References": ack["Message-ID"]}))
    detail = wait_for(lambda: (lambda d: d if len([m for m in d["messages"]
                                                   if m["direction"] == "in"]) == 2 else None)(
        daemon.ticket(first["id"])), what="the follow-up")
    assert len(daemon.tickets()) == 1
    assert detail["messages"][-1]["direction"] in ("in", "out")
    rungs = [m["thread_rung"] for m in detail["messages"] if m["direction"] == "in"]
    assert "In-Reply-To" in rungs[-1]


def test_foreign_tag_does_not_thread(daemon):
    daemon.send(make_mail())
    first = only_ticket(daemon)
    daemon.send(make_mail(subject=f"Re: [Other #{first['id']}] Printer on fire"))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 2 else None)(daemon.tickets()),
                       what="a second ticket")
    assert tickets[0]["subject"] == f"[Other #{first['id']}] Printer on fire"


def test_round_robin_spreads_30_tickets_evenly(daemon):
    # one at a time first: the turns go in the order the queue lists its members
    for i in range(3):
        daemon.send(make_mail(frm=f"c{i}@customer.example", subject=f"Question {i}"))
        wait_for(lambda n=i + 1: len(daemon.tickets()) == n, what=f"ticket {i + 1}")
    in_order = [t["assignee"] for t in sorted(daemon.tickets(), key=lambda t: t["id"])]
    assert in_order == ["alice@example.com", "bob@example.com", "carol@example.com"]
    # then a burst, which the workers (one per core) take at once: whose turn comes first
    # between two mails in flight is a race, so only the spread is checked
    for i in range(3, 30):
        daemon.send(make_mail(frm=f"c{i}@customer.example", subject=f"Question {i}"))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 30 else None)(daemon.tickets()),
                       what="30 tickets")
    counts = Counter(t["assignee"] for t in tickets)
    assert counts == {"alice@example.com": 10, "bob@example.com": 10, "carol@example.com": 10}


def test_least_open_gives_each_ticket_to_the_least_loaded(daemon):
    # bob already carries two open billing tickets; the next ones go to the others first.
    for i in range(2):
        daemon.send(make_mail(frm=f"x{i}@customer.example", to="billing@example.com",
                              subject=f"Billing {i}"))
    wait_for(lambda: len(daemon.tickets()) == 2, what="2 tickets")
    for t in daemon.tickets():
        daemon.cli("tickets", "assign", str(t["id"]), "bob@example.com")
    for i in range(28):
        daemon.send(make_mail(frm=f"y{i}@customer.example", to="billing@example.com",
                              subject=f"Billing more {i}"))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 30 else None)(daemon.tickets()),
                       what="30 tickets")
    counts = Counter(t["assignee"] for t in tickets)
    assert counts == {"alice@example.com": 10, "bob@example.com": 10, "carol@example.com": 10}
