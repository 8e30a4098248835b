"""user-pain.md §10, §11, §14, §16, §19, §22: staff mail, collaborators, forwards, spoofing,
closed tickets and Reply-To, each as the failure class it guards against."""

from __future__ import annotations

import re

import pytest
from conftest import config_text, make_mail, wait_for
from staffmail import (
    AUTH_PASS,
    MX,
    age_ticket,
    body,
    customer_reply,
    gmail_reply,
    mail_to,
    outbox_settled,
    outlook_reply,
    relays_to,
    wait_processed,
)

DANA = "dana@customer.example"
SECURE = f'\n[security]\ntrust_authentication_results = "{MX}"\n'


def tickets_config(sink, tickets: str = "", extra: str = "") -> str:
    return config_text(sink.port, extra=extra).replace("[tickets]\n", f"[tickets]\n{tickets}\n")


def new_ticket(daemon, sink, **mail):
    daemon.send(make_mail(**mail))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    return ticket, notice


def no_relay(sink, addr=DANA):
    return [m for m in sink.to(addr) if " via " in (m["From"] or "")] == []


# --- §10 Agents replying from their own mail client ------------------------------------

def test_user_pain_10_agent_reply_from_mail_client_is_relayed_not_kept_as_a_note(
        daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, extra=SECURE))
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(outlook_reply(notice, "Dana, a technician comes at 3pm.",
                              headers={"Authentication-Results": AUTH_PASS}))
    relay = relays_to(sink, DANA)[0]
    assert body(relay).startswith("Dana, a technician comes at 3pm.")
    assert "New ticket" not in body(relay)  # the quoted notification is stripped
    assert relay["From"].endswith("<support@example.com>")
    assert relay["In-Reply-To"] and relay["References"]
    kinds = [m["kind"] for m in daemon.ticket(ticket["id"])["messages"] if m["direction"] == "in"]
    assert kinds == ["customer", "staff"]  # a public staff reply, not a note, not the customer


def test_user_pain_10_agent_reply_starting_with_note_is_not_sent(daemon, sink):
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#note\nChecked the warranty: expired in May."))
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    assert no_relay(sink)
    assert all("warranty" not in body(m) for m in sink.to(DANA))
    notes = [m for m in daemon.ticket(ticket["id"])["messages"] if m["kind"] == "note"]
    assert len(notes) == 1


def test_user_pain_10_unknown_alias_of_staff_is_handled_as_non_staff(daemon, sink):
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#status resolved\n\nDone.",
                            frm="Alice Doe <alice.doe@example.com>"))
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    assert no_relay(sink)
    assert daemon.ticket(ticket["id"])["status"] == "new"
    assert len(daemon.tickets()) == 2  # a stranger's mail: a ticket of its own


def test_user_pain_10_group_rewritten_from_is_attributed_only_when_authenticated(
        daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, extra=SECURE))
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#assign bob\n\nHello from the group.",
                            frm='"Alice Doe via Support Team" <team@lists.example.com>',
                            headers={"X-Original-From": "alice@example.com"}))
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    assert no_relay(sink)
    assert daemon.ticket(ticket["id"])["assignee"] == "alice@example.com"


# --- §11 CC and collaborators are mishandled ----------------------------------------------

def test_user_pain_11_cc_and_collaborators_are_watchers_and_get_one_mail(daemon, sink):
    ticket, notice = new_ticket(
        daemon, sink, cc="Bob Client <bob@customer.example>, carol@customer.example, "
                         "sales@example.com, support+9@example.com, Bob Roe <bob@example.com>")
    tid = ticket["id"]
    assert daemon.ticket(tid)["participants"] == ["bob@customer.example",
                                                  "carol@customer.example"]
    daemon.send(gmail_reply(notice, "We are on it."))
    relay = relays_to(sink, DANA)[0]
    assert relay["To"] == DANA
    assert relay["Cc"] == "bob@customer.example, carol@customer.example"
    relayed = [(rcpts, raw) for _, rcpts, raw in sink.messages if b" via " in raw]
    assert len(relayed) == 1 and sorted(relayed[0][0]) == [
        "bob@customer.example", "carol@customer.example", DANA]

    daemon.send(gmail_reply(notice, "#note\nInternal: VIP account."))
    wait_processed(daemon, 3)
    outbox_settled(daemon)
    for watcher in (DANA, "bob@customer.example", "carol@customer.example"):
        assert all("VIP account" not in body(m) for m in sink.to(watcher))

    daemon.send(customer_reply(relay, "Adding my thoughts.", frm="bob@customer.example",
                               cc=f"{DANA}, carol@customer.example, ann@customer.example"))
    wait_processed(daemon, 4)
    detail = daemon.ticket(tid)
    last_in = [m for m in detail["messages"] if m["direction"] == "in"][-1]
    assert (last_in["from"], last_in["kind"]) == ("bob@customer.example", "customer")
    assert detail["participants"][-1] == "ann@customer.example"  # later Cc joins too
    assert len(daemon.tickets()) == 1

    daemon.send(gmail_reply(notice, "#cc drop carol@customer.example\n"
                                    "#cc add dave@customer.example\n\nUpdate for all."))
    second = relays_to(sink, DANA, n=2)[-1]
    assert "carol@" not in second["Cc"] and "dave@customer.example" in second["Cc"]


def test_user_pain_11_staff_cannot_cc_our_own_addresses(daemon, sink):
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#cc add sales@example.com\n\nHi"))
    error = mail_to(sink, "alice@example.com", "command not applied")[0]
    assert "one of our own addresses" in body(error)
    assert daemon.ticket(ticket["id"])["participants"] == []


# --- §14 Forwarded mail gets the wrong requester ----------------------------------------------

GMAIL_FWD = ("#fwd\n\nCan someone look at this?\n\n---------- Forwarded message ---------\n"
             "From: Dana Customer <dana@customer.example>\nDate: Mon, 2 Mar 2026 at 09:00\n"
             "Subject: Printer on fire\nTo: Alice Doe <alice@example.com>\n\n"
             "My printer is on fire.\n")
OUTLOOK_FWD = ("#fwd\n\nSiehe unten.\n\nVon: Dana Kunde <dana@customer.example>\n"
               "Gesendet: Montag, 2. März 2026 09:00\nAn: Alice Doe\nBetreff: Drucker\n\n"
               "Der Drucker brennt.\n")


# Staff forwards use a staff right: the MTA vouches for these (point 2 of issue 12 tests
# the forwarding address of the default set-up).
FORWARD_AUTH = {"Authentication-Results": AUTH_PASS}


@pytest.fixture
def secure_daemon(daemon_factory, sink):
    return daemon_factory(config_text(sink.port, extra=SECURE))


def _forward(daemon, text, frm="Alice Doe <alice@example.com>"):
    daemon.send(make_mail(frm=frm, subject="Fwd: Printer on fire", body=text,
                          headers=FORWARD_AUTH))
    return wait_for(daemon.tickets, what="a ticket")[0]


def test_user_pain_14_staff_forward_with_marker_makes_the_original_sender_requester(secure_daemon):
    daemon = secure_daemon
    ticket = _forward(daemon, GMAIL_FWD)
    assert ticket["requester"] == DANA
    detail = daemon.ticket(ticket["id"])
    forwarded = [e for e in detail["events"] if e["action"] == "forwarded"]
    assert forwarded and forwarded[0]["actor"] == "alice@example.com"
    assert any(m["kind"] == "note" and "Forwarded by alice@example.com" in m["text"]
               for m in detail["messages"])


def test_user_pain_14_outlook_german_forward_with_marker(secure_daemon):
    daemon = secure_daemon
    assert _forward(daemon, OUTLOOK_FWD)["requester"] == DANA


def test_user_pain_14_staff_forward_without_marker_keeps_the_agent_as_requester(secure_daemon):
    daemon = secure_daemon
    assert _forward(daemon, GMAIL_FWD.replace("#fwd\n", ""))["requester"] == "alice@example.com"


def test_user_pain_14_customer_forwarding_a_third_party_stays_requester(secure_daemon):
    daemon = secure_daemon
    ticket = _forward(daemon, GMAIL_FWD, frm="Eve <eve@customer.example>")
    assert ticket["requester"] == "eve@customer.example"


# --- §16 Spoofed senders, ticket hijack and guessable IDs ----------------------------------

def test_user_pain_16_subject_tag_from_a_stranger_does_not_join_the_ticket(daemon, sink):
    ticket, _ = new_ticket(daemon, sink)
    daemon.send(make_mail(frm="stranger@evil.example",
                          subject=f"Re: [Ticket #{ticket['id']}] Printer on fire",
                          body="Send the invoice to me instead."))
    wait_for(lambda: len(daemon.tickets()) == 2, what="a separate ticket")
    detail = daemon.ticket(ticket["id"])
    assert [m["from"] for m in detail["messages"] if m["direction"] == "in"] == [DANA]


def test_user_pain_16_staff_from_with_dmarc_fail_is_held(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, extra=SECURE))
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#status closed\n\nClosing this.", headers={
        "Authentication-Results": f"{MX}; dkim=fail header.d=example.com; "
                                  "dmarc=fail (p=reject) header.from=example.com"}))
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    assert no_relay(sink)
    assert daemon.ticket(ticket["id"])["status"] == "new"


def test_user_pain_16_customer_from_with_dmarc_fail_is_held_without_notices(daemon_factory,
                                                                           sink):
    daemon = daemon_factory(config_text(sink.port, extra=SECURE))
    forged = {"Authentication-Results": f"{MX}; spf=fail smtp.mailfrom=customer.example; "
                                        "dmarc=fail (p=reject) header.from=customer.example"}
    daemon.send(make_mail(subject="Please wire the refund to this new account",
                          headers=forged))
    wait_processed(daemon, 1)
    outbox_settled(daemon)
    (ticket,) = daemon.tickets()
    assert "held" in ticket["tags"]
    assert sink.messages == []  # no ack to the real customer, no staff notice
    detail = daemon.ticket(ticket["id"])
    assert any("dmarc=fail" in (e["new"] or "") for e in detail["events"])
    # the same From with a DMARC pass is an ordinary customer mail
    daemon.send(make_mail(subject="A real question", headers={
        "Authentication-Results": f"{MX}; dmarc=pass header.from=customer.example"}))
    wait_processed(daemon, 2)
    assert wait_for(lambda: sink.to(DANA), what="the ack of the genuine mail")


def test_user_pain_16_valid_in_reply_to_from_unknown_sender_is_not_a_public_reply(daemon, sink):
    ticket, _ = new_ticket(daemon, sink)
    ack = mail_to(sink, DANA, f"[Ticket #{ticket['id']}]")[0]
    daemon.send(customer_reply(ack, "I am not Dana.", frm="mallory@evil.example"))
    wait_for(lambda: len(daemon.tickets()) == 2, what="a separate ticket")
    assert len([m for m in daemon.ticket(ticket["id"])["messages"]
                if m["direction"] == "in"]) == 1


def test_user_pain_16_our_message_ids_cannot_be_derived_from_the_ticket(daemon, sink):
    _, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "First answer."))
    daemon.send(gmail_reply(notice, "Second answer."))
    relays = relays_to(sink, DANA, n=2)
    ids = [m["Message-ID"] for m in relays]
    assert len(set(ids)) == 2
    assert all(re.fullmatch(r"<ticketd\.[0-9a-f]{24}@example\.com>", i) for i in ids)


# --- §19 Replies to closed tickets ------------------------------------------------------------

def _closed_ticket(daemon, sink, days_ago: float):
    ticket, _ = new_ticket(daemon, sink)
    daemon.cli("tickets", "status", str(ticket["id"]), "closed", "--as", "alice@example.com")
    age_ticket(daemon, ticket["id"], "closed_at", days_ago)
    return ticket, mail_to(sink, DANA, f"[Ticket #{ticket['id']}]")[0]


def test_user_pain_19_reply_to_closed_ticket_by_default_opens_a_linked_new_one(daemon, sink):
    ticket, ack = _closed_ticket(daemon, sink, 1)
    daemon.send(customer_reply(ack, "It broke again."))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 2 else None)(daemon.tickets()),
                       what="a new ticket")
    new = [t for t in tickets if t["id"] != ticket["id"]][0]
    assert new["follows"] == ticket["id"]
    assert daemon.ticket(ticket["id"])["status"] == "closed"


def test_user_pain_19_reply_within_the_window_reopens_the_closed_ticket(daemon_factory, sink):
    daemon = daemon_factory(tickets_config(sink, "reopen_closed_within_days = 7"))
    ticket, ack = _closed_ticket(daemon, sink, 3)
    daemon.send(customer_reply(ack, "It broke again."))
    detail = wait_for(lambda: (lambda d: d if d["status"] == "open" else None)(
        daemon.ticket(ticket["id"])), what="reopened")
    assert len(daemon.tickets()) == 1
    assert ("closed", "open", DANA) in [(e["old"], e["new"], e["actor"])
                                        for e in detail["events"] if e["action"] == "status"]
    reopened = mail_to(sink, DANA, "reopened")[0]
    assert reopened["Auto-Submitted"] == "auto-replied"


def test_user_pain_19_reply_after_the_window_opens_a_linked_new_ticket(daemon_factory, sink):
    daemon = daemon_factory(tickets_config(sink, "reopen_closed_within_days = 7"))
    ticket, ack = _closed_ticket(daemon, sink, 30)
    daemon.send(customer_reply(ack, "Hello again."))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 2 else None)(daemon.tickets()),
                       what="a new ticket")
    assert [t["follows"] for t in tickets if t["id"] != ticket["id"]] == [ticket["id"]]
    assert daemon.ticket(ticket["id"])["status"] == "closed"


def test_user_pain_19_auto_reply_never_reopens(daemon_factory, sink):
    daemon = daemon_factory(tickets_config(sink, "reopen_closed_within_days = 7"))
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#status resolved\n\nFixed."))
    wait_for(lambda: daemon.ticket(ticket["id"])["status"] == "resolved", what="resolved")
    resolved = relays_to(sink, DANA)[0]
    ooo = customer_reply(resolved, "I am out of office until Monday.")
    ooo["Auto-Submitted"] = "auto-replied"
    daemon.send(ooo)
    wait_processed(daemon, 3)
    assert daemon.ticket(ticket["id"])["status"] == "resolved"
    assert len(daemon.tickets()) == 1


def test_user_pain_19_customer_reply_to_resolved_ticket_reopens_it(daemon, sink):
    ticket, notice = new_ticket(daemon, sink)
    daemon.send(gmail_reply(notice, "#status resolved\n\nFixed."))
    resolved = relays_to(sink, DANA)[0]
    daemon.send(customer_reply(resolved, "No, it is still burning."))
    wait_for(lambda: daemon.ticket(ticket["id"])["status"] == "open", what="reopened")
    mail_to(sink, DANA, "reopened")
    followup = mail_to(sink, "alice@example.com", f"[Ticket #{ticket['id']}]", n=2)[-1]
    assert "still burning" in body(followup)


# --- §22 Reply-To vs From, and sending "as the customer" --------------------------------------

def test_user_pain_22_trusted_web_form_reply_to_is_the_requester(daemon_factory, sink):
    daemon = daemon_factory(tickets_config(sink, 'trust_reply_to = ["noreply@form.example"]'))
    daemon.send(make_mail(frm="Web Form <noreply@form.example>", subject="Contact form",
                          headers={"Reply-To": "Uma User <uma@gmail.example>"}))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    assert ticket["requester"] == "uma@gmail.example"
    ack = mail_to(sink, "uma@gmail.example", f"[Ticket #{ticket['id']}]")[0]
    assert ack["From"] == "Example Support <support@example.com>"
    outbox_settled(daemon)
    assert sink.to("noreply@form.example") == []


def test_user_pain_22_untrusted_reply_to_gets_replies_but_from_stays_requester(daemon, sink):
    daemon.send(make_mail(frm="Web Form <noreply@form.example>", subject="Contact form",
                          headers={"Reply-To": "uma@gmail.example"}))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    assert ticket["requester"] == "noreply@form.example"
    assert daemon.ticket(ticket["id"])["participants"] == ["uma@gmail.example"]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    daemon.send(gmail_reply(notice, "Thanks for writing."))
    relay = relays_to(sink, "uma@gmail.example")[0]
    assert "uma@gmail.example" in relay["Cc"]


def test_user_pain_22_outbound_from_is_always_ours(daemon, sink):
    _, notice = new_ticket(daemon, sink, cc="eve@customer.example")
    daemon.send(gmail_reply(notice, "#status pending\n\nPlease send a photo."))
    relays_to(sink, DANA)
    outbox_settled(daemon)
    senders = {m["From"].addresses[0].addr_spec for m in sink.parsed()}
    assert senders == {"support@example.com"}
    assert all("customer.example" not in m["From"] and m["Sender"] is None
               for m in sink.parsed())


def test_user_pain_19_thanks_only_reply_is_kept_without_reopening(daemon, sink):
    ticket, ack = _closed_ticket(daemon, sink, 1)
    daemon.send(customer_reply(ack, "Thanks a lot!\n\nDana"))
    wait_processed(daemon, 2)
    assert len(daemon.tickets()) == 1
    detail = daemon.ticket(ticket["id"])
    assert detail["status"] == "closed"
    assert [m["visible_text"] for m in detail["messages"] if m["direction"] == "in"][-1] \
        .startswith("Thanks a lot!")


def test_user_pain_14_staff_forward_as_attachment_with_marker(secure_daemon):
    daemon = secure_daemon
    from email.message import EmailMessage

    inner = EmailMessage()
    inner["From"] = "Dana Customer <dana@customer.example>"
    inner["To"] = "alice@example.com"
    inner["Subject"] = "Printer on fire"
    inner.set_content("My printer is on fire.\n")
    outer = make_mail(frm="Alice Doe <alice@example.com>", subject="Fwd: Printer on fire",
                      body="#fwd\n\nSee the attached mail.\n", headers=FORWARD_AUTH)
    outer.add_attachment(inner)
    daemon.send(outer)
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    assert ticket["requester"] == DANA
