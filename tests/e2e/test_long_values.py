"""Real mail carries long values: none of them may send a mail to quarantine on any backend
(issue 9 point 2; the suite runs on PostgreSQL too, where columns were once VARCHAR(255))."""

from __future__ import annotations

from conftest import make_mail, send, wait_for


def test_a_900_character_message_id_400_character_names_and_a_long_subject(daemon, sink):
    mid = "long." + "x" * 877 + "@customer.example"  # 900 characters
    name = "Dana " + "Q" * 395  # 400 characters
    subject = ("Printer on fire " * 125).strip()  # 1,999 characters
    daemon.send(make_mail(frm=f'"{name}" <dana@customer.example>', subject=subject,
                          cc=f'"{name}" <erin@customer.example>', message_id=f"<{mid}>"))
    (ticket,) = wait_for(daemon.tickets, what="the ticket")
    detail = daemon.ticket(ticket["id"])
    assert detail["messages"][0]["message_id"] == mid
    assert detail["participants"] == ["erin@customer.example"]
    assert detail["subject"].startswith("Printer on fire Printer on fire")
    assert daemon.json("quarantine", "list") == []
    ack = wait_for(lambda: sink.to("dana@customer.example"), what="the acknowledgement")[0]
    assert ack["In-Reply-To"].strip() == f"<{mid}>"
    reply = (b"From: dana@customer.example\r\nTo: support@example.com\r\n"
             b"Subject: Another matter\r\nMessage-ID: <r1@customer.example>\r\n"
             b"In-Reply-To: <" + mid.encode() + b">\r\n\r\nStill burning.\r\n")
    send(daemon.port, reply)  # as written by a mail client (the email package would encode it)
    wait_for(lambda: len([m for m in daemon.ticket(ticket["id"])["messages"]
                          if m["direction"] == "in"]) == 2, what="the reply threaded")
