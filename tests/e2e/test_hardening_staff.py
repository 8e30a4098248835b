"""Issue 12, points 2 and 3: staff rights need a proof beyond the From line; a held mail
changes nothing. Each attack is the mail the attacker sends, over SMTP."""

from __future__ import annotations

import re
import stat

from conftest import config_text, make_mail, wait_for
from staffmail import (
    MX,
    body,
    gmail_reply,
    mail_to,
    outbox_settled,
    relays_to,
    wait_processed,
)

DANA = "dana@customer.example"
EVIL = "x@evil.example"


def first_ticket(daemon, sink):
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    return ticket, notice


def forged_staff_mail(ticket, member: str, text: str, **kw):
    """The forger knows the ticket number and the staff address, nothing more."""
    return make_mail(frm=f"Staff <{member}>", subject=f"Re: [Ticket #{ticket['id']}] "
                     "Printer on fire", body=text, headers={"Reply-To": EVIL}, **kw)


def test_point_2_forged_staff_from_runs_no_command_and_reaches_no_customer(daemon, sink):
    ticket, notice = first_ticket(daemon, sink)
    member = ticket["assignee"]
    assert re.fullmatch(rf"support\+{ticket['id']}\.[0-9a-f]{{20}}@example\.com",
                        notice["Reply-To"])
    secret = daemon.folder / "ticketd.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    before = daemon.ticket(ticket["id"])

    daemon.send(forged_staff_mail(ticket, member, "#status closed\n#assign carol\n"
                                  f"#cc add {EVIL}\n\nPlease send your password to {EVIL}"))
    told = mail_to(sink, member, "handled as a customer's", what="the member told why")[0]
    assert "no command" in body(told) and told["To"] == member
    outbox_settled(daemon)
    after = daemon.ticket(ticket["id"])
    for key in ("status", "assignee", "queue", "priority", "tags", "participants"):
        assert after[key] == before[key], key
    assert [m for m in sink.to(DANA) if " via " in m["From"]] == []
    assert all("password" not in body(m) for m in sink.to(DANA))
    assert sink.to(EVIL) == []  # not the forger's Reply-To either
    stored = [m for m in after["messages"] if m["direction"] == "in"][-1]
    assert stored["kind"] == "customer" and "password" in stored["text"]

    # The member answers the notice they received: the reply token vouches for them.
    daemon.send(gmail_reply(notice, "#status pending\n\nWhich model is it?",
                            frm=f"Staff <{member}>"))
    assert "Which model is it?" in body(relays_to(sink, DANA)[0])
    assert daemon.ticket(ticket["id"])["status"] == "pending"


def test_point_2_a_token_is_bound_to_its_member_and_ticket(daemon, sink):
    ticket, notice = first_ticket(daemon, sink)
    other = next(s for s in ("alice@example.com", "bob@example.com")
                 if s != ticket["assignee"])
    daemon.send(gmail_reply(notice, "#status closed\n\nBye.", frm=other))  # not theirs
    mail_to(sink, other, "handled as a customer's")
    outbox_settled(daemon)
    assert daemon.ticket(ticket["id"])["status"] == "new"
    assert [m for m in sink.to(DANA) if " via " in m["From"]] == []


def test_point_2_staff_forward_needs_the_members_forwarding_address(daemon, sink):
    ticket, notice = first_ticket(daemon, sink)
    member = ticket["assignee"]
    forward_to = re.search(r"forward their mail to (\S+)", body(notice)).group(1)
    fwd = ("#fwd\n\n---------- Forwarded message ---------\n"
           "From: Erin Customer <erin@customer.example>\nSubject: Broken\n\nIt broke.\n")
    daemon.send(make_mail(frm=f"Staff <{member}>", subject="Fwd: Broken", body=fwd))
    forged = wait_for(lambda: [t for t in daemon.tickets() if t["id"] != ticket["id"]],
                      what="the forged forward's ticket")[0]
    assert forged["requester"] == member  # not carried out: no ticket for erin
    mail_to(sink, member, "handled as a customer's")

    daemon.send(make_mail(frm=f"Staff <{member}>", to=forward_to, subject="Fwd: Broken",
                          body=fwd))
    real = wait_for(lambda: [t for t in daemon.tickets() if t["requester"] ==
                             "erin@customer.example"], what="the forwarded ticket")[0]
    assert real["requester"] == "erin@customer.example"


def test_point_2_check_config_and_start_up_warn_when_from_alone_is_trusted(daemon_factory,
                                                                           sink):
    trusting = daemon_factory(config_text(sink.port, extra="\n[security]\n"
                                          "staff_reply_token = false\n"))
    r = trusting.cli("check-config")
    assert "trust the From line alone" in r.stderr.decode()
    assert "trust the From line alone" in trusting.log_text()

    (trusting.folder / "default").mkdir()
    daemon = daemon_factory(config_text(sink.port), folder=trusting.folder / "default")
    assert "trust the From line alone" not in daemon.cli("check-config").stderr.decode()
    assert "trust the From line alone" not in daemon.log_text()


def test_point_3_a_held_mail_adds_no_participant(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, extra=f'\n[security]\n'
                                        f'trust_authentication_results = "{MX}"\n'))
    ticket, notice = first_ticket(daemon, sink)
    forged = {"Authentication-Results": f"{MX}; spf=fail smtp.mailfrom=customer.example; "
                                        "dmarc=fail (p=reject) header.from=customer.example"}
    daemon.send(make_mail(subject=f"Re: [Ticket #{ticket['id']}] Printer on fire",
                          cc=EVIL, body="Please also copy my colleague.", headers=forged))
    wait_processed(daemon, 2)
    detail = daemon.ticket(ticket["id"])
    assert detail["participants"] == []
    # the next staff reply reaches the customer only
    daemon.send(gmail_reply(notice, "It is fixed.", frm=f"Staff <{ticket['assignee']}>"))
    relays_to(sink, DANA)
    outbox_settled(daemon)
    assert sink.to(EVIL) == []
