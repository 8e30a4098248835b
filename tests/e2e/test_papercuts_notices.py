"""Issue 12, admin papercut 22: what our notices show and reference."""

from __future__ import annotations

from conftest import make_mail, wait_for
from staffmail import body, gmail_reply, mail_to, outbox_settled, relays_to

CAROL = "carol@customer.example"


def test_point_22_no_empty_display_name_in_notices(daemon, sink):
    daemon.send(make_mail(frm=CAROL, subject="No name in my From"))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"], "No name in my From")[0]
    assert f"From:     {CAROL}" in body(notice).splitlines()
    assert f"<{CAROL}>" not in body(notice)
    daemon.send(make_mail(frm=f"Carol Kay <{CAROL}>", subject="With a name"))
    notice = mail_to(sink, "example.com", "With a name")[0]
    assert f"From:     Carol Kay <{CAROL}>" in body(notice).splitlines()


def test_point_22_the_status_list_uses_the_real_tag(daemon, sink):
    daemon.send(make_mail(frm=CAROL, subject="Printer on fire"))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    daemon.send(make_mail(frm=CAROL, subject="status", body="\n"))
    answer = mail_to(sink, CAROL, "open tickets")[0]
    assert f"[Ticket #{ticket['id']}] Printer on fire" in body(answer)
    assert f"[#{ticket['id']}]" not in body(answer)


def test_point_22_outgoing_messages_have_sent_at(daemon, sink):
    daemon.send(make_mail(frm=CAROL))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    outbox_settled(daemon)
    out = [m for m in daemon.ticket(ticket["id"])["messages"] if m["direction"] == "out"]
    assert len(out) == 2 and all(m["sent_at"] for m in out), out  # the ack, the staff notice
    sent = {o["message_id"]: o["sent_at"] for o in daemon.outbox()}
    assert all(m["sent_at"] == sent[m["message_id"]] for m in out)


def test_point_22_relayed_replies_carry_no_staff_side_message_ids(daemon, sink):
    first = make_mail(frm=f"Carol Kay <{CAROL}>")
    daemon.send(first)
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    who = ticket["assignee"]
    notice = mail_to(sink, who, f"[Ticket #{ticket['id']}]")[0]
    ack = mail_to(sink, CAROL, f"[Ticket #{ticket['id']}]", what="the ack")[0]
    reply = gmail_reply(notice, "Hi Carol,\n\nwe are on it.\n", frm=who)
    daemon.send(reply)
    relay = relays_to(sink, CAROL)[0]
    refs = (relay["References"] or "").split()
    staff_side = {notice["Message-ID"], reply["Message-ID"]}
    assert refs and not staff_side & set(refs), refs
    assert refs == [first["Message-ID"], ack["Message-ID"]]
    assert relay["In-Reply-To"] == first["Message-ID"]
    # staff still get the whole thread
    daemon.send(gmail_reply(ack, "One more thing.", frm=f"Carol Kay <{CAROL}>"))
    followup = mail_to(sink, who, f"[Ticket #{ticket['id']}]", n=2)[-1]
    assert notice["Message-ID"] in followup["References"]
