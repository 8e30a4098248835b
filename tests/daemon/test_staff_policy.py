"""The pure staff planning rules: reopen window, trusted Reply-To, the staff gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from daemon.staff.identity import UNVERIFIED, Proof, gate_staff
from daemon.staff.plan import commands_of as parse_commands
from daemon.staff.plan import staff_outcome
from daemon.staff.tokens import OFF, StaffTokens
from daemon.worker.classify import Classification, TicketView
from daemon.worker.policy import Policy
from parsers.message import parse_message

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def closed(days_ago):
    return TicketView(1, "closed", "dana@customer.example", frozenset(), "general", None,
                      NOW - timedelta(days=days_ago))


def test_reopen_window():
    policy = Policy(reopen_closed_within_days=7, now=NOW)
    assert policy.reopens_closed(closed(3))
    assert not policy.reopens_closed(closed(30))
    assert not Policy(now=NOW).reopens_closed(closed(0.1))  # 0 = never


def test_trusted_reply_to_by_address_or_domain():
    policy = Policy(trust_reply_to=("noreply@form.example", "@forms.example"))
    assert policy.trusts_reply_to("noreply@form.example")
    assert policy.trusts_reply_to("web@forms.example")
    assert not policy.trusts_reply_to("dana@customer.example")


def _mail(auth=None):
    head = f"Authentication-Results: {auth}\r\n" if auth else ""
    return parse_message((f"{head}From: alice@example.com\r\nTo: support@example.com\r\n"
                          "Subject: Re: [Ticket #1] x\r\n\r\n#take\r\n").encode())


def _proof(authserv: str, tokens=OFF) -> Proof:
    return Proof(authserv, tokens, frozenset({"support@example.com"}))


def test_staff_gate():
    staff = Classification("follow_up", 1, "subject tag", "staff")
    assert gate_staff(_mail(), staff, _proof("")).sender_role == "staff"  # both off
    assert gate_staff(_mail(), staff, _proof("mx.example.com")).sender_role == UNVERIFIED
    passed = _mail("mx.example.com; dmarc=pass header.from=example.com")
    assert gate_staff(passed, staff, _proof("mx.example.com")).sender_role == "staff"


def test_staff_gate_reply_token():
    tokens = StaffTokens(True, b"k" * 32)
    staff = Classification("follow_up", 1, "subject tag", "staff")
    proof = _proof("", tokens)
    assert gate_staff(_mail(), staff, proof).sender_role == UNVERIFIED
    mine = tokens.reply_address("support@example.com", "alice@example.com", 1)
    assert gate_staff(_mail(), staff, proof, (mine,)).sender_role == "staff"
    other_ticket = tokens.reply_address("support@example.com", "alice@example.com", 2)
    bobs = tokens.reply_address("support@example.com", "bob@example.com", 1)
    for wrong in (other_ticket, bobs, mine.replace("support+", "other+")):
        assert gate_staff(_mail(), staff, proof, (wrong,)).sender_role == UNVERIFIED
    key_missing = _proof("", StaffTokens(True, None))  # on, but no key: nothing vouches
    assert gate_staff(_mail(), staff, key_missing, (mine,)).sender_role == UNVERIFIED


def test_outcome_names_the_message_kind():
    assert staff_outcome(parse_commands("#note\nx"), "#1")[0] == "note"
    assert staff_outcome(parse_commands("#take\nHello"), "#1")[0] == "staff"
    assert "refused" in staff_outcome(parse_commands("#bogus"), "#1")[1]
