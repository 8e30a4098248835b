"""Issue 10 point 2: the mail log (`ticketd mail list | show [--raw]`), and issue 12 point 7:
only identical deliveries are deduplicated, and a Message-ID that merely looks like ours
does not make a customer's mail our own."""

from __future__ import annotations

from conftest import make_mail, send, wait_for
from mailbuild import dsn


def test_point_2_mail_list_shows_an_unmatched_bounce_and_show_says_why(daemon, sink):
    bounce = dsn("<somebody-else@elsewhere.example>", "x@customer.example")
    send(daemon.port, bounce, mail_from="<>")
    daemon.send(make_mail(subject="A real question"))
    (row,) = wait_for(lambda: daemon.json("mail", "list", "--outcome", "ignored"),
                      what="the bounce in the mail log")
    assert row["source"] == "smtp" and row["mail_from"] in ("", "<>")  # the null sender
    assert row["rcpt_to"] == ["support@example.com"]
    assert row["subject"] == "Undelivered Mail Returned to Sender"
    assert "bounce" in row["reason"] and row["ticket_id"] is None
    wait_for(lambda: daemon.json("mail", "list", "--outcome", "ticket"), what="the ticket")
    assert len(daemon.json("mail", "list")) == 2
    assert daemon.json("mail", "list", "--from", "@mx.customer.example")[0]["id"] == row["id"]

    shown = daemon.cli("mail", "show", str(row["id"])).stdout.decode()
    assert "envelope    from <> to <support@example.com>" in shown
    assert "ignored" in shown and "bounce" in shown
    detail = daemon.json("mail", "show", str(row["id"]))
    assert detail["decision"]["classification"] == "bounce"
    assert detail["from"].lower() == "mailer-daemon@mx.customer.example"
    assert daemon.cli("mail", "show", str(row["id"]), "--raw").stdout == bounce


def test_point_2_purged_raw_bytes_are_said_so(daemon, sink):
    daemon.send(make_mail())
    (row,) = wait_for(lambda: daemon.json("mail", "list", "--outcome", "ticket"),
                      what="the ticket")
    daemon.spool_execute("UPDATE spool SET raw = NULL WHERE id = ?", row["id"])  # as purge does
    r = daemon.cli("mail", "show", str(row["id"]), "--raw", check=False)
    assert r.returncode == 1 and r.stdout == b""
    assert "raw_days" in r.stderr.decode()
    assert "ticket" in daemon.cli("mail", "show", str(row["id"])).stdout.decode()


def test_issue_12_point_7_same_message_id_different_mails_are_both_kept(daemon, sink):
    first = make_mail(subject="Printer on fire", message_id="<same@customer.example>")
    second = make_mail(subject="Scanner on fire", message_id="<same@customer.example>")
    daemon.send(first)
    daemon.send(second)
    daemon.send(first)  # an identical delivery again: stored once, logged as a duplicate
    wait_for(lambda: len(daemon.tickets()) == 2, what="two tickets")
    assert {t["subject"] for t in daemon.tickets()} == {"Printer on fire", "Scanner on fire"}
    (dup,) = wait_for(lambda: daemon.json("mail", "list", "--outcome", "duplicate"),
                      what="the duplicate in the mail log")
    assert dup["message_id"] == "same@customer.example"
    r = daemon.cli("mail", "show", str(dup["id"]), "--raw", check=False)
    assert r.returncode == 1 and "duplicate" in r.stderr.decode()


def test_issue_12_point_7_a_message_id_that_looks_like_ours_is_not_our_own_mail(daemon, sink):
    looks_ours = make_mail(subject="Not a robot",
                           message_id="<ticketd.0123456789abcdef@example.com>")
    daemon.send(looks_ours)
    (ticket,) = wait_for(lambda: daemon.tickets(), what="a ticket for the customer's mail")
    assert ticket["subject"] == "Not a robot"
    ours = wait_for(lambda: sink.messages and sink.message_ids(), what="our acknowledgement")
    back = make_mail(subject="Came back", message_id=f"<{ours[0]}>")  # our own mail, looped
    daemon.send(back)
    wait_for(lambda: daemon.json("mail", "list", "--outcome", "ignored"),
             what="our own mail ignored")
    assert len(daemon.tickets()) == 1
