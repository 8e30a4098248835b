"""A thank-you alone does not reopen a finished ticket (user-pain §19)."""

from __future__ import annotations

import pytest

from parsers.thanks import is_thanks_only


@pytest.mark.parametrize("text, thanks", [
    ("Thanks!", True),
    ("Thank you so much, Alice!\n\nDana", True),
    ("Danke schön", True),
    ("Great, thx", True),
    ("Thanks, but it is still broken.", False),
    ("Thanks! Could you also check the scanner?", False),
    ("It works again.", False),
    ("Thank you for the quick fix. Unfortunately the same error shows up on the second "
     "printer in the office now.", False),
    ("", False),
])
def test_thanks_only(text, thanks):
    assert is_thanks_only(text) is thanks
