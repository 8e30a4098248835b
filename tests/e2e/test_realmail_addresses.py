"""Addresses, quarantine and Message-IDs end to end (§7, §9, §11, §17, §25, §26)."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import config_text, make_mail, send, wait_for

CUSTOMER = "dana@customer.example"


def inbound(ticket: dict) -> list[dict]:
    return [m for m in ticket["messages"] if m["direction"] == "in"]


def test_user_pain_26_plus_address_threads_to_its_ticket(daemon):
    daemon.send(make_mail())
    first = wait_for(daemon.tickets, what="a ticket")[0]
    plus = f"support+{first['id']}@example.com"
    daemon.send(make_mail(to=plus, subject="no tag here", body="Another detail.\n"),
                rcpt=[plus])
    detail = wait_for(lambda: (lambda d: d if len(inbound(d)) == 2 else None)(
        daemon.ticket(first["id"])), what="the follow-up")
    assert "plus address" in inbound(detail)[-1]["thread_rung"]
    assert len(daemon.tickets()) == 1


def test_user_pain_26_plus_extension_on_a_queue_address_routes_to_that_queue(daemon):
    daemon.send(make_mail(to="billing+urgent@example.com", subject="A question"),
                rcpt=["billing+urgent@example.com"])
    assert wait_for(daemon.tickets, what="a ticket")[0]["queue"] == "billing"


def test_user_pain_26_bcc_queue_is_routed_by_the_envelope_recipient(daemon):
    daemon.send(make_mail(to="friend@customer.example", subject="Hello"),
                rcpt=["sales@example.com"])
    assert wait_for(daemon.tickets, what="a ticket")[0]["queue"] == "sales"


def test_user_pain_26_x_original_to_routes_piped_mail(daemon):
    raw = make_mail(to="friend@customer.example", subject="Hello",
                    headers={"X-Original-To": "billing@example.com",
                             "Delivered-To": "billing@example.com"}).as_bytes()
    daemon.cli("ingest", input=raw)
    assert wait_for(daemon.tickets, what="a ticket")[0]["queue"] == "billing"


def test_user_pain_09_queue_addresses_in_cc_never_become_participants(daemon):
    daemon.send(make_mail(cc="Bob <bob@customer.example>, sales@example.com, "
                             "Billing <billing+x@example.com>, support@example.com"))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    assert daemon.ticket(ticket["id"])["participants"] == ["bob@customer.example"]


def test_user_pain_07_quarantine_list_show_retry_drop(daemon):
    good = make_mail(subject="fine")
    no_sender = b"To: support@example.com\r\nSubject: who am I\r\n\r\nNo From at all.\r\n"
    send(daemon.port, no_sender, mail_from="<>")
    daemon.send(good)
    bad = wait_for(lambda: daemon.json("quarantine", "list"), what="a quarantined mail")
    assert len(daemon.tickets()) == 1 or wait_for(lambda: len(daemon.tickets()) == 1)
    (row,) = bad
    assert "no usable From" in row["reason"] and row["size"] == len(no_sender)
    shown = daemon.cli("quarantine", "show", str(row["id"])).stdout
    assert shown.endswith(no_sender) and b"reason: no usable From" in shown
    retried = daemon.cli("quarantine", "retry", str(row["id"]), check=False)
    assert retried.returncode != 0 and b"quarantined" in retried.stdout
    assert [r["id"] for r in daemon.json("quarantine", "list")] == [row["id"]]
    daemon.cli("quarantine", "drop", str(row["id"]))
    assert daemon.json("quarantine", "list") == []
    assert daemon.cli("quarantine", "show", str(row["id"]), check=False).returncode != 0
    assert len(daemon.tickets()) == 1


def test_user_pain_07_malformed_batch_good_mail_still_ticketed(daemon):
    mails = [
        make_mail(frm="first@customer.example", subject="good 1").as_bytes(),
        b"To: support@example.com\r\nSubject: no from\r\n\r\nx\r\n",
        "From: <ü@local>\r\nSubject: odd address\r\n\r\nx\r\n".encode(),
        b"From: a@customer.example\r\nIn-Reply-To: <>\r\nSubject: empty irt\r\n\r\nx\r\n",
        b"From: b@customer.example\r\nSubject: truncated\r\nContent-Type: multipart/mixed; "
        b"boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf a mess",
        make_mail(frm="last@customer.example", subject="good 2").as_bytes(),
    ]
    for raw in mails:
        send(daemon.port, raw, mail_from="<>")
    def settled():
        return len(daemon.tickets()) + len(daemon.json("quarantine", "list")) == len(mails)
    wait_for(settled, what="every mail ticketed or quarantined")
    requesters = {t["requester"] for t in daemon.tickets()}
    assert {"first@customer.example", "last@customer.example", "a@customer.example",
            "b@customer.example"} <= requesters


def test_user_pain_25_message_ids_missing_or_padded(daemon):
    for subject in ("first without id", "second without id"):
        raw = (f"From: {CUSTOMER}\r\nTo: support@example.com\r\nSubject: {subject}\r\n\r\n"
               "x\r\n").encode()
        send(daemon.port, raw, mail_from=CUSTOMER)
    padded = (f"From: {CUSTOMER}\r\nTo: support@example.com\r\nSubject: padded\r\n"
              "Message-ID:   <abc@customer.example>  \r\n\r\nx\r\n").encode()
    send(daemon.port, padded, mail_from=CUSTOMER)
    send(daemon.port, padded, mail_from=CUSTOMER)  # the same mail delivered twice
    tickets = wait_for(lambda: (lambda t: t if len(t) == 3 else None)(daemon.tickets()),
                       what="3 tickets")
    padded_ticket = next(t for t in tickets if t["subject"] == "padded")
    assert daemon.ticket(padded_ticket["id"])["messages"][0]["message_id"] == \
        "abc@customer.example"


def test_user_pain_17_notices_thread_in_the_customers_client(daemon, sink):
    daemon.send(make_mail(message_id="<root@customer.example>"))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    for i in range(3):
        daemon.send(make_mail(subject=f"Re: [Ticket #{ticket['id']}] Printer on fire",
                              message_id=f"<r{i}@customer.example>", body=f"More {i}.\n"))
    # ack and staff notice for the new ticket, then one staff notice per reply
    notices = wait_for(lambda: (lambda n: n if len(n) >= 5 else None)(
        [m for m in sink.parsed() if m["X-Ticketd-Ticket"]]), what="5 notices")
    ids = [m["Message-ID"] for m in notices]
    assert len(set(ids)) == len(ids) and all(i.endswith("@example.com>") for i in ids)
    for m in notices:
        assert "<root@customer.example>" in m["References"]
        assert f"[Ticket #{ticket['id']}]" in m["Subject"]
    replies = {m["In-Reply-To"] for m in notices}
    assert {"<r0@customer.example>", "<r1@customer.example>",
            "<r2@customer.example>"} <= replies


def test_user_pain_29_reply_fetched_before_its_original_still_threads(daemon, tmp_path):
    original = make_mail(subject="Printer on fire", message_id="<orig@customer.example>",
                         date="Tue, 01 Apr 2025 09:00:00 +0200")
    reply = make_mail(subject="Re: Printer on fire", message_id="<reply@customer.example>",
                      date="Tue, 01 Apr 2025 09:30:00 +0200", body="It spreads.\n",
                      headers={"In-Reply-To": "<orig@customer.example>",
                               "References": "<orig@customer.example>"})
    (tmp_path / "1-reply.eml").write_bytes(reply.as_bytes())
    (tmp_path / "2-original.eml").write_bytes(original.as_bytes())
    daemon.cli("ingest", str(tmp_path / "1-reply.eml"), str(tmp_path / "2-original.eml"))
    wait_for(lambda: daemon.spool_sql("SELECT count(*) FROM spool WHERE state = 'done'")
             == [(2,)], what="both processed")
    (ticket,) = daemon.tickets()
    msgs = inbound(daemon.ticket(ticket["id"]))
    assert [m["message_id"] for m in msgs] == ["orig@customer.example",
                                               "reply@customer.example"]
    assert [m["sent_at"][:19] for m in msgs] == ["2025-04-01T07:00:00", "2025-04-01T07:30:00"]


def test_user_pain_07_message_that_kept_killing_the_worker_is_quarantined_then_retried(
        daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port), start=False)
    daemon.start().stop()  # creates the stores
    raw = make_mail(subject="Poison?").as_bytes()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    # as if the worker had died on this message three times already
    daemon.spool_execute("insert into spool (received_at, source, mailbox, dedupe_key, "
                         "mail_from, rcpt_to, raw, size, state, attempts) values (?, 'smtp', "
                         "'smtp:support@example.com', 'sha:x', ?, '[]', ?, ?, 'new', 3)",
                         now, CUSTOMER, raw, len(raw))
    daemon.start()
    (row,) = wait_for(lambda: daemon.json("quarantine", "list"), what="the quarantine")
    assert "stopped the worker" in row["reason"]
    assert daemon.tickets() == []
    out = daemon.cli("quarantine", "retry", str(row["id"])).stdout.decode()
    assert f"#{row['id']}: done" in out
    assert daemon.json("quarantine", "list") == []
    assert [t["subject"] for t in daemon.tickets()] == ["Poison?"]
