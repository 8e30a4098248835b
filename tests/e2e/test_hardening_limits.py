"""Issue 12, point 4: one mail cannot make us mail many people, nor two robots loop."""

from __future__ import annotations

from conftest import config_text, make_mail, wait_for
from staffmail import (
    body,
    customer_reply,
    gmail_reply,
    mail_to,
    outbox_settled,
    wait_processed,
)

DANA = "dana@customer.example"


def ccs(n: int, start: int = 0) -> str:
    return ", ".join(f"cc{i}@customer.example" for i in range(start, start + n))


def tag(ticket) -> str:
    return f"Re: [Ticket #{ticket['id']}] Printer on fire"


def test_point_4_participants_are_capped_per_mail_and_per_ticket(daemon, sink):
    daemon.send(make_mail(cc=ccs(40)))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    assert len(daemon.ticket(ticket["id"])["participants"]) == 10  # per mail
    for k in range(1, 4):
        daemon.send(make_mail(subject=tag(ticket), cc=ccs(10, 100 * k), body=f"More {k}\n"))
    wait_processed(daemon, 4)
    assert len(daemon.ticket(ticket["id"])["participants"]) == 30  # per ticket


def test_point_4_a_stranger_with_a_guessed_tag_in_append_mode_adds_nobody(daemon_factory,
                                                                          sink):
    daemon = daemon_factory(config_text(sink.port).replace(
        "[tickets]\n", '[tickets]\nunknown_sender = "append"\n'))
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    daemon.send(make_mail(frm="mallory@evil.example", subject=tag(ticket),
                          cc="victim@elsewhere.example", body="Cc my friend."))
    wait_processed(daemon, 2)
    detail = daemon.ticket(ticket["id"])
    assert detail["participants"] == []
    assert any(m["from"] == "mallory@evil.example" for m in detail["messages"])


def test_point_4_the_ack_limit_counts_plus_addresses_as_one(daemon, sink):
    for i in range(12):
        daemon.send(make_mail(frm=f"victim+{i}@customer.example", subject=f"Hello {i}",
                              body=f"Mail {i}\n"))
    wait_for(lambda: len(daemon.tickets()) == 12, what="12 tickets")
    wait_processed(daemon, 12)
    outbox_settled(daemon)
    acks = [o for o in daemon.outbox() if o["kind"] == "ack"]
    assert len(acks) == 5


def test_point_4_an_ack_quotes_a_short_excerpt_only(daemon, sink):
    daemon.send(make_mail(body="spam " * 20000))
    ack = mail_to(sink, DANA, "[Ticket #")[0]
    assert len(body(ack)) < 2000 and "[...]" in body(ack)


def test_point_4_no_ack_to_our_own_queue_addresses(daemon, sink):
    daemon.send(make_mail(frm="Billing <billing@example.com>", subject="Loop?"))
    daemon.send(make_mail(frm="support+7@example.com", subject="Loop again?"))
    wait_for(lambda: len(daemon.tickets()) == 2, what="two tickets")
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    ours = {"billing@example.com", "support+7@example.com", "support@example.com"}
    assert not [m for m in sink.messages if ours & {r.lower() for r in m[1]}]


def test_point_4_notices_to_staff_are_rate_limited_per_ticket(daemon, sink):
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    for i in range(15):
        daemon.send(make_mail(subject=tag(ticket), body=f"And another thing, number {i}.\n"))
    wait_processed(daemon, 16)
    outbox_settled(daemon)
    to_staff = [m for m in sink.to(ticket["assignee"])
                if f"[Ticket #{ticket['id']}]" in m["Subject"]]
    assert len(to_staff) == 10
    assert any("rate limit" in (e["new"] or "") for e in daemon.ticket(ticket["id"])["events"])


def test_point_4_two_autoresponders_stop_within_a_few_mails(daemon, sink):
    """Dana's and the assignee's out-of-office robots (neither marks its mail as automatic)
    answer everything they get."""
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    staff = ticket["assignee"]
    answered, sent = 0, 1
    for _ in range(30):
        wait_processed(daemon, sent)
        outbox_settled(daemon)
        new = sink.parsed()[answered:]
        if not new:
            break
        answered += len(new)
        for m in new:
            if DANA in (m["To"] or ""):
                daemon.send(customer_reply(m, "I am out of the office until Monday."))
            elif staff in (m["To"] or ""):
                daemon.send(gmail_reply(m, "I am away, back on Monday.", frm=staff))
            else:
                continue
            sent += 1
    else:
        raise AssertionError(f"still looping after {len(sink.messages)} mails")
    assert len(sink.messages) <= 8
