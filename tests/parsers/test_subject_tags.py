"""§8: our tag survives every reply-prefix chain; other tags are not ours."""

from __future__ import annotations

import pytest

from parsers.subject import clean_subject, find_ticket_ids


@pytest.mark.parametrize("subject", [
    "AW: WG: Re[3]: [Ticket #1234] Drucker", "VS: [Ticket #1234] x", "RE:[Ticket #1234]x",
    "x [Ticket #1234]", "Fwd: [ticket#1234]", "回复: [Ticket #1234] 打印机",
])
def test_user_pain_08_subject_token_through_prefix_chains(subject):
    assert find_ticket_ids(subject, "Ticket") == (1234,)


def test_user_pain_08_subject_token_foreign_and_repeated_tags():
    assert find_ticket_ids("[Other #7] x", "Ticket") == ()
    assert find_ticket_ids("RE: [Ticket#2017052380] Foo [Ticket #42]", "Ticket") == (
        2017052380, 42)
    assert clean_subject("Re: AW: [Ticket #42] Printer", "Ticket") == "Printer"
