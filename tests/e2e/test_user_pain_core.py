"""User-pain classes of the core path (research/user-pain.md §1, §5, §20, §26, §28, §32)."""

from __future__ import annotations

import smtplib

import pytest
from conftest import config_text, make_mail, send, wait_for


def tickets_n(daemon, n):
    return wait_for(lambda: (lambda t: t if len(t) == n else None)(daemon.tickets()),
                    what=f"{n} tickets")


def inbound(daemon, ticket_id):
    return [m for m in daemon.ticket(ticket_id)["messages"] if m["direction"] == "in"]


def wait_inbound(daemon, ticket_id, n):
    return wait_for(lambda: (lambda m: m if len(m) == n else None)(inbound(daemon, ticket_id)),
                    what=f"{n} inbound messages on #{ticket_id}")


# --- §1 A reply opens a new ticket instead of joining the existing one ----------------

def test_user_pain_01_reply_to_own_first_mail_joins_the_ticket(daemon):
    daemon.send(make_mail(message_id="<a@cust.example>"))
    t1 = tickets_n(daemon, 1)[0]
    daemon.send(make_mail(subject="Re: Printer on fire", body="Forgot to say: model X.\n",
                          headers={"In-Reply-To": "<a@cust.example>"}))
    msgs = wait_inbound(daemon, t1["id"], 2)
    assert msgs[-1]["thread_rung"] == "In-Reply-To"
    assert len(daemon.tickets()) == 1


def test_user_pain_01_cc_reply_all_with_references_joins_the_ticket(daemon):
    daemon.send(make_mail(message_id="<a@cust.example>", cc="Erin <erin@cust.example>"))
    t1 = tickets_n(daemon, 1)[0]
    daemon.send(make_mail(frm="Erin <erin@cust.example>", subject="Re: Printer on fire",
                          body="Mine too.\n", headers={"References": "<a@cust.example>"}))
    msgs = wait_inbound(daemon, t1["id"], 2)
    assert msgs[-1]["from"] == "erin@cust.example"
    assert len(daemon.tickets()) == 1


def test_user_pain_01_references_chain_with_unknown_root_finds_our_id(daemon, sink):
    daemon.send(make_mail())
    t1 = tickets_n(daemon, 1)[0]
    ack = wait_for(lambda: sink.to("dana@customer.example"), what="the ack")[0]
    daemon.send(make_mail(subject="Re: something else",
                          headers={"References": f"<never-seen@x.example> {ack['Message-ID']} "
                                                 "<also-unknown@y.example>"}))
    msgs = wait_inbound(daemon, t1["id"], 2)
    assert "References" in msgs[-1]["thread_rung"]


# --- §5 One email becomes two or more tickets ----------------------------------------

def test_user_pain_05_duplicate_delivery_makes_one_ticket_and_one_ack(daemon, sink):
    mail = make_mail(message_id="<dup@cust.example>")
    daemon.send(mail)
    daemon.send(mail)  # an MTA that did not see our 250 sends it again
    tickets_n(daemon, 1)
    wait_for(lambda: sink.to("dana@customer.example"), what="the ack")
    daemon.send(mail)
    assert len(daemon.tickets()) == 1
    assert len(inbound(daemon, daemon.tickets()[0]["id"])) == 1
    assert len(sink.to("dana@customer.example")) == 1


# --- §20 Outgoing SMTP failures are invisible and not retried -------------------------

def test_user_pain_20_relay_421_is_retried_and_delivered_once(daemon, sink):
    sink.handler.refuse_with = "421 4.3.2 Service not available, try later"
    daemon.send(make_mail())
    tickets_n(daemon, 1)
    wait_for(lambda: all(o["attempts"] >= 1 for o in daemon.outbox()) and daemon.outbox(),
             what="failed attempts")
    assert {o["status"] for o in daemon.outbox()} == {"pending"}
    sink.handler.refuse_with = None
    wait_for(lambda: {o["status"] for o in daemon.outbox()} == {"sent"}, timeout=30,
             what="delivery after the relay recovers")
    assert len(sink.to("dana@customer.example")) == 1


def test_user_pain_20_relay_550_fails_at_once_and_is_recorded(daemon, sink):
    sink.handler.refuse_with = "550 5.1.1 No such user"
    daemon.send(make_mail())
    t1 = tickets_n(daemon, 1)[0]
    failed = wait_for(lambda: [o for o in daemon.outbox() if o["status"] == "failed"],
                      what="a failed notice")
    assert failed[0]["attempts"] == 1 and "550" in failed[0]["last_error"]
    events = daemon.ticket(t1["id"])["events"]
    assert any(e["action"] == "delivery failed" and "550" in e["new"] for e in events)
    assert "failed for good" in daemon.log_text()


# --- §26 Routing by keyword, alias, recipient or shared mailbox -----------------------

def raw_mail(headers: str, body: str = "Hello\n") -> bytes:
    return (headers.strip() + "\r\n\r\n" + body).replace("\n", "\r\n").encode()


def test_user_pain_26_alias_in_to_wins_over_delivered_to_mailbox(daemon):
    raw = raw_mail("""
Delivered-To: support@example.com
From: dana@customer.example
To: billing@example.com
Subject: A question
Message-ID: <alias@cust.example>
""")
    daemon.cli("ingest", input=raw)
    assert tickets_n(daemon, 1)[0]["queue"] == "billing"


def test_user_pain_26_x_original_to_routes_a_bcc_queue(daemon):
    raw = raw_mail("""
X-Original-To: billing@example.com
Delivered-To: support@example.com
From: dana@customer.example
To: someone@customer.example
Subject: Copy for you
Message-ID: <bcc@cust.example>
""")
    daemon.cli("ingest", input=raw)
    assert tickets_n(daemon, 1)[0]["queue"] == "billing"


def test_user_pain_26_envelope_recipient_routes_a_bcc_queue_over_smtp(daemon):
    daemon.send(make_mail(to="someone@customer.example", subject="Bcc to billing"),
                rcpt=["billing@example.com"])
    assert tickets_n(daemon, 1)[0]["queue"] == "billing"


def test_user_pain_26_subject_keyword_routes_to_billing(daemon):
    daemon.send(make_mail(subject="Invoice 2024-17 is wrong"))
    assert tickets_n(daemon, 1)[0]["queue"] == "billing"


def test_user_pain_26_a_reply_is_never_rerouted(daemon):
    daemon.send(make_mail(to="sales@example.com", subject="New contract"))
    t1 = tickets_n(daemon, 1)[0]
    assert t1["queue"] == "sales"
    daemon.send(make_mail(subject=f"Re: [Ticket #{t1['id']}] New contract",
                          body="Please send the invoice too.\n"))
    wait_inbound(daemon, t1["id"], 2)
    assert daemon.tickets()[0]["queue"] == "sales"


# --- §28 Template placeholders not rendered, or templates missing ----------------------

def test_user_pain_28_template_with_unknown_variable_is_rejected(daemon_factory, tmp_path, sink):
    overrides = tmp_path / "my-templates"
    overrides.mkdir()
    (overrides / "ack.j2").write_text("Subject: {{ tag }} {{ ticket.subjct }}\n\nHi\n")
    text = config_text(sink.port).replace(
        'log_level = "INFO"', 'log_level = "INFO"\ntemplates = "my-templates"')
    d = daemon_factory(text, start=False)
    r = d.cli("check-config", check=False)
    assert r.returncode == 2
    assert b"ack.j2" in r.stderr and b"subjct" in r.stderr
    with pytest.raises(RuntimeError, match="ack.j2"):
        d.start()


def test_user_pain_28_customer_subject_without_the_tag_is_rejected(daemon_factory, tmp_path,
                                                                   sink):
    overrides = tmp_path / "my-templates"
    overrides.mkdir()
    (overrides / "ack.j2").write_text("Subject: We got it\n\nHi {{ ticket.requester }}\n")
    text = config_text(sink.port).replace(
        'log_level = "INFO"', 'log_level = "INFO"\ntemplates = "my-templates"')
    r = daemon_factory(text, start=False).cli("check-config", check=False)
    assert r.returncode == 2 and b"must contain" in r.stderr


def test_user_pain_28_admin_override_is_used_when_valid(daemon_factory, tmp_path, sink):
    overrides = tmp_path / "my-templates"
    overrides.mkdir()
    (overrides / "ack.j2").write_text(
        "Subject: {{ tag }} Thanks, {{ ticket.requester_name }}\n\nCustom ack.\n")
    text = config_text(sink.port).replace(
        'log_level = "INFO"', 'log_level = "INFO"\ntemplates = "my-templates"')
    d = daemon_factory(text)
    d.send(make_mail())
    ack = wait_for(lambda: sink.to("dana@customer.example"), what="the ack")[0]
    assert ack["Subject"].endswith("Thanks, Dana Customer")
    assert "Custom ack." in ack.get_content()


# --- §32 SMTP or pipe ingestion bounces mail permanently ------------------------------

def test_user_pain_32_spool_locked_answers_451_so_the_sender_retries(daemon_factory, sink):
    text = config_text(sink.port).replace('log_level = "INFO"',
                                          'log_level = "INFO"\nlock_timeout_seconds = 1')
    d = daemon_factory(text)
    with d.locked_spool(), pytest.raises(smtplib.SMTPDataError) as err:
        d.send(make_mail(message_id="<retry@cust.example>"))
    assert err.value.smtp_code == 451
    d.send(make_mail(message_id="<retry@cust.example>"))  # the sender's retry
    assert tickets_n(d, 1)[0]["requester"] == "dana@customer.example"


def test_user_pain_32_unparseable_mail_is_accepted_and_quarantined(daemon):
    refused = send(daemon.port, b"\x01\x02 this is not a mail at all\r\n\r\n",
                   rcpt=["support@example.com"])
    assert refused == {}
    rows = wait_for(lambda: daemon.json("quarantine", "list"), what="a quarantine entry")
    assert rows[0]["source"] == "smtp" and rows[0]["reason"]
    shown = daemon.cli("quarantine", "show", str(rows[0]["id"])).stdout
    assert b"this is not a mail at all" in shown
    daemon.send(make_mail())  # still running
    tickets_n(daemon, 1)


def test_user_pain_32_over_the_size_limit_is_552_at_data(daemon_factory, sink):
    text = config_text(sink.port).replace('listen = "127.0.0.1:0"',
                                          'listen = "127.0.0.1:0"\nmax_message_bytes = 100000')
    d = daemon_factory(text)
    big = make_mail(body="x" * 76 + "\n" * 2000 + "y" * 200000)
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as err:
        d.send(big)
    assert err.value.smtp_code == 552
    d.send(make_mail(subject="small"))
    assert [t["subject"] for t in tickets_n(d, 1)] == ["small"]
    assert d.spool_sql("SELECT count(*) FROM spool") == [(1,)]


def test_user_pain_32_pipe_exit_codes(daemon):
    ok = daemon.cli("ingest", input=make_mail(subject="Via pipe").as_bytes())
    assert ok.returncode == 0
    assert tickets_n(daemon, 1)[0]["subject"] == "Via pipe"
    empty = daemon.cli("ingest", input=b"", check=False)
    assert empty.returncode != 0 and empty.returncode != 75
