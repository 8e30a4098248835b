"""What the bench borrows from tests/: the tests' config and the Dovecot fixture.

One config for tests and benchmarks, so the figures describe what the tests check.
The test helpers live in plain modules on tests' own path, hence the path entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
for _path in (TESTS, TESTS / "imap"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from conftest import config_text  # noqa: E402
from dovecot import DOVECOT, Dovecot  # noqa: E402
from imapfix import imap_section  # noqa: E402

__all__ = ["DOVECOT", "Dovecot", "config_text", "imap_section"]
