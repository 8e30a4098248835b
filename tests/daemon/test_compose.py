"""Headers we write cannot be injected, whatever a customer puts in a subject or name."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from daemon.notices.compose import OutgoingMail, build, new_message_id


def mail(**kw) -> OutgoingMail:
    base = dict(from_name="Example Support", from_addr="support@example.com",
                to=("dana@customer.example",), subject="[Ticket #1] Hello", body="Hi\n",
                message_id=new_message_id("example.com"), ticket_id=1)
    base.update(kw)
    return OutgoingMail(**base)


def test_a_subject_with_line_breaks_cannot_add_headers():
    raw = build(mail(subject="[Ticket #1] Hi\r\nBcc: victim@evil.example\r\n\r\nbody"))
    msg = message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None
    assert msg["Subject"] == "[Ticket #1] Hi Bcc: victim@evil.example body"
    assert b"\r\nBcc:" not in raw


def test_a_display_name_with_line_breaks_cannot_add_headers():
    raw = build(mail(from_name="Alice\nBcc: victim@evil.example via Support"))
    msg = message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None
    assert msg["From"].addresses[0].addr_spec == "support@example.com"


def test_non_ascii_subject_and_name_are_encoded():
    raw = build(mail(subject="[Ticket #1] Grüße – 日本語", from_name="Jürgen via Support"))
    assert raw.isascii()
    msg = message_from_bytes(raw, policy=default)
    assert msg["Subject"] == "[Ticket #1] Grüße – 日本語"
    assert msg["From"].addresses[0].display_name == "Jürgen via Support"


def test_message_ids_are_random_not_derived_from_the_ticket():
    ids = {new_message_id("example.com") for _ in range(100)}
    assert len(ids) == 100 and all(i.endswith("@example.com") for i in ids)


def test_references_keep_the_root_when_capped():
    refs = tuple(f"m{i}@x.example" for i in range(50))
    msg = message_from_bytes(build(mail(references=refs, in_reply_to="m49@x.example")),
                             policy=default)
    listed = msg["References"].split()
    assert listed[0] == "<m0@x.example>" and listed[-1] == "<m49@x.example>"
    assert len(listed) == 20
