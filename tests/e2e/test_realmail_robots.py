"""Robots, bounces and loops end to end (issue 5 point 4; §2, §9, §21, §27, §30).

The daemon runs as a subprocess; an out-of-office bot is a real SMTP server
standing in for the relay, answering mail by SMTP back to the daemon.
"""

from __future__ import annotations

import smtplib
import threading
import time
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import make_msgid

from conftest import Controller, config_text, free_port, make_mail, send, wait_for
from mailbuild import dsn

CUSTOMER = "dana@customer.example"


def settle(seconds: float = 3.0) -> None:
    """Give a loop time to show itself: a fixed quiet period, not a timing assertion."""
    time.sleep(seconds)


def events(ticket: dict, action: str) -> list[dict]:
    return [e for e in ticket["events"] if e["action"] == action]


def inbound(ticket: dict) -> list[dict]:
    return [m for m in ticket["messages"] if m["direction"] == "in"]


class OutOfOfficeBot:
    """A relay that answers every mail addressed to `address` with an auto-reply."""

    def __init__(self, address: str):
        self.address = address
        self.received: list[EmailMessage] = []
        self.sent = 0
        self.daemon_port: int | None = None
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.original_content, policy=default)
        with self.lock:
            self.received.append(msg)
        if self.address in envelope.rcpt_tos:
            threading.Thread(target=self.answer, args=(msg,), daemon=True).start()
        return "250 OK"

    def answer(self, msg: EmailMessage) -> None:
        reply = EmailMessage()
        reply["From"] = self.address
        reply["To"] = str(msg["From"])
        reply["Subject"] = f"Out of Office: {msg['Subject']}"
        reply["Message-ID"] = make_msgid(domain="customer.example")
        reply["In-Reply-To"] = str(msg["Message-ID"])
        reply["Auto-Submitted"] = "auto-replied"
        reply.set_content("I am away until Monday.\n")
        with smtplib.SMTP("127.0.0.1", self.daemon_port, timeout=30) as s:
            s.send_message(reply, from_addr="", to_addrs=["support@example.com"])
        with self.lock:
            self.sent += 1

    def to_me(self) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if self.address in str(m["To"])]


def test_user_pain_02_out_of_office_bot_pointed_at_us_gets_no_answer_no_loop(daemon_factory):
    bot = OutOfOfficeBot("ooo@customer.example")
    bot.controller.start()
    try:
        daemon = daemon_factory(config_text(bot.port))
        bot.daemon_port = daemon.port
        # 1. The bot writes first: a ticket for staff, nothing back to the bot.
        daemon.send(make_mail(frm=bot.address, subject="Out of Office: Printer",
                              headers={"Auto-Submitted": "auto-replied"}))
        wait_for(lambda: len(daemon.tickets()) == 1, what="the bot's ticket")
        settle()
        assert bot.to_me() == [] and bot.sent == 0
        # 2. A person writes, we acknowledge, their bot answers the ack: the loop stops there.
        human = "pat@customer.example"
        bot.address = human
        daemon.send(make_mail(frm=human, subject="Printer on fire"))
        wait_for(lambda: bot.sent == 1, what="the bot's answer to our ack")
        settle()
        assert len(bot.to_me()) == 1  # the ack, once
        assert bot.sent == 1
        tickets = daemon.tickets()
        assert len(tickets) == 2
        pat = next(t for t in tickets if t["requester"] == human)
        detail = daemon.ticket(pat["id"])
        assert [m["kind"] for m in inbound(detail)] == ["customer", "auto_reply"]
        assert detail["status"] == "new"
    finally:
        bot.controller.stop()


def test_user_pain_02_auto_reply_to_a_ticket_is_logged_without_ack_or_status_change(daemon,
                                                                                     sink):
    daemon.send(make_mail())
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    daemon.cli("tickets", "status", str(ticket["id"]), "pending")
    wait_for(lambda: len(sink.to(CUSTOMER)) >= 2, what="the ack and the pending notice")
    settle(1)
    sent_before = len(sink.messages)
    daemon.send(make_mail(subject=f"Automatic reply: Re: [Ticket #{ticket['id']}] Printer",
                          headers={"Auto-Submitted": "auto-replied"}, body="Away.\n"))
    detail = wait_for(lambda: (lambda d: d if len(inbound(d)) == 2 else None)(
        daemon.ticket(ticket["id"])), what="the auto-reply on the ticket")
    settle(2)
    assert inbound(detail)[-1]["kind"] == "auto_reply"
    assert detail["status"] == "pending"
    assert len(daemon.tickets()) == 1
    assert len(sink.messages) == sent_before


def test_user_pain_02_outlook_x_auto_response_suppress_on_human_mail_is_acknowledged(daemon,
                                                                                     sink):
    daemon.send(make_mail(headers={"X-Auto-Response-Suppress": "All",
                                   "X-MS-Exchange-Organization-AuthAs": "Internal"}))
    wait_for(lambda: sink.to(CUSTOMER), what="the ack")


def test_user_pain_02_fifty_mails_from_one_sender_get_at_most_five_acks(daemon, sink):
    for i in range(50):
        daemon.send(make_mail(subject=f"Flood {i}", body=f"Message {i}\n"))
    wait_for(lambda: len(daemon.tickets()) == 50, timeout=60, what="50 tickets")
    wait_for(lambda: len(sink.to(CUSTOMER)) >= 5, what="the first acks")
    settle(2)
    acks = [o for o in daemon.outbox() if o["kind"] == "ack"]
    assert len(acks) == 5
    assert len(sink.to(CUSTOMER)) == 5


def test_user_pain_21_bounce_of_a_notice_lands_on_its_ticket_and_marks_the_address(daemon,
                                                                                    sink):
    gone = "gone@customer.example"
    daemon.send(make_mail(frm=gone, subject="First"))
    ack = wait_for(lambda: sink.to(gone), what="the ack")[0]
    ticket = daemon.tickets()[0]
    send(daemon.port, dsn(ack["Message-ID"], gone), mail_from="<>")
    detail = wait_for(lambda: (lambda d: d if events(d, "bounce") else None)(
        daemon.ticket(ticket["id"])), what="the bounce event")
    assert any("5.1.1" in e["new"] and gone in e["new"] for e in events(detail, "bounce"))
    assert [e["new"] for e in events(detail, "address bouncing")] == [gone]
    assert inbound(detail)[-1]["kind"] == "bounce"
    assert len(daemon.tickets()) == 1
    # §9c: the next mail from that address gets no ack.
    daemon.send(make_mail(frm=gone, subject="Second"))
    wait_for(lambda: len(daemon.tickets()) == 2, what="the second ticket")
    second = daemon.ticket(daemon.tickets()[0]["id"])
    wait_for(lambda: events(daemon.ticket(second["id"]), "not notified"), what="suppression")
    settle(1)
    assert len(sink.to(gone)) == 1
    assert not any("mailer-daemon" in (m["To"] or "").lower() for m in sink.parsed())


def test_user_pain_21_bounce_naming_no_mail_of_ours_changes_nothing(daemon, sink):
    send(daemon.port, dsn("<somebody-else@elsewhere.example>", "x@customer.example"),
         mail_from="<>")
    wait_for(lambda: "bounce that names no mail of ours" in daemon.log_text(),
             what="the log line")
    assert daemon.tickets() == []
    settle(1)
    assert sink.messages == []


def test_user_pain_27_spam_is_stored_and_never_answered(daemon, sink):
    daemon.send(make_mail(frm="spammer@spam.example", subject="Cheap pills",
                          headers={"X-Spam-Flag": "YES"}))
    daemon.send(make_mail(frm="spammer2@spam.example", subject="More pills",
                          headers={"X-Spam-Status": "Yes, score=12.0 required=5.0"}))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 2 else None)(daemon.tickets()),
                       what="2 spam tickets")
    assert all(t["status"] == "closed" and "spam" in t["tags"] for t in tickets)
    settle(2)
    assert sink.messages == []


def test_user_pain_09_our_own_mail_coming_back_is_ignored(daemon, sink):
    daemon.send(make_mail())
    wait_for(lambda: len(sink.messages) >= 2, what="ack and staff notice")
    ack_raw = next(raw for _, rcpts, raw in sink.messages if CUSTOMER in rcpts)
    sent_before = len(sink.messages)
    send(daemon.port, ack_raw, mail_from="support@example.com")
    wait_for(lambda: "our own mail came back" in daemon.log_text(), what="the log line")
    settle(1)
    assert len(daemon.tickets()) == 1
    assert len(sink.messages) == sent_before


def test_user_pain_30_other_helpdesk_loop_stopped_by_hop_count_and_our_header(daemon, sink):
    many_hops = make_mail(frm="helpdesk@vendor.example", subject="[VND-77] Your request")
    for i in range(30):
        many_hops["Received"] = f"from relay{i}.vendor.example by relay{i + 1}.vendor.example"
    daemon.send(many_hops)
    passed_on = make_mail(frm="helpdesk@other.example", subject="Re: [Ticket #999] x",
                          headers={"X-Ticketd-Ticket": "999"})
    daemon.send(passed_on)
    wait_for(lambda: len(daemon.tickets()) == 2, what="2 tickets")
    settle(2)
    assert sink.to("helpdesk@vendor.example") == []
    assert sink.to("helpdesk@other.example") == []


def test_user_pain_30_foreign_tokens_do_not_hide_ours(daemon):
    daemon.send(make_mail())
    first = wait_for(daemon.tickets, what="a ticket")[0]
    daemon.send(make_mail(subject=f"RE: [Ticket#2017052380] Foo [ref:_00D12:ref] "
                                  f"[Ticket #{first['id']}]", body="More.\n"))
    wait_for(lambda: len(inbound(daemon.ticket(first["id"]))) == 2, what="the follow-up")
    assert len(daemon.tickets()) == 1


def test_user_pain_27_per_domain_ack_limit_when_the_admin_sets_it(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, ack_limit="5\nack_domain_limit_per_hour = 3"))
    for i in range(6):
        daemon.send(make_mail(frm=f"bot{i}@flood.example", subject=f"Flood {i}"))
    daemon.send(make_mail(frm="someone@other.example", subject="Unrelated"))
    wait_for(lambda: len(daemon.tickets()) == 7, what="7 tickets")
    wait_for(lambda: sink.to("someone@other.example"), what="the other domain's ack")
    settle(2)
    acks = [o for o in daemon.outbox() if o["kind"] == "ack"]
    assert sum(o["to"][0].endswith("@flood.example") for o in acks) == 3


def test_user_pain_27_marking_a_sender_as_spam_closes_their_tickets_silently(daemon, sink):
    for i in range(3):
        daemon.send(make_mail(frm="bot@spam.example", subject=f"Cheap pills {i}"))
    daemon.send(make_mail(subject="A real question"))
    wait_for(lambda: len(daemon.tickets()) == 4, what="4 tickets")
    wait_for(lambda: {o["status"] for o in daemon.outbox()} == {"sent"}, what="the acks")
    sent_before = len(sink.messages)
    r = daemon.cli("tickets", "spam", "bot@spam.example", "--as", "alice@example.com")
    assert b"3 ticket(s) closed as spam" in r.stdout
    by_sender = {t["subject"]: t for t in daemon.tickets()}
    for i in range(3):
        t = by_sender[f"Cheap pills {i}"]
        assert (t["status"], "spam" in t["tags"]) == ("closed", True)
    assert by_sender["A real question"]["status"] == "new"
    time.sleep(1.5)  # the outbox worker runs every second: nothing new goes out
    assert len(sink.messages) == sent_before
    assert daemon.cli("tickets", "spam", "nobody@x.example", check=False).returncode == 1


def test_user_pain_29_a_future_date_is_flagged_and_the_receive_time_used(daemon):
    daemon.send(make_mail(subject="From the future", date="Mon, 01 Jan 2035 10:00:00 +0000"))
    (ticket,) = wait_for(daemon.tickets, what="the ticket")
    (msg,) = [m for m in daemon.ticket(ticket["id"])["messages"] if m["direction"] == "in"]
    assert any("in the future" in d for d in msg["defects"])
    assert msg["sent_at"][:4] == ticket["created_at"][:4] != "2035"
