"""visible_text against real client reply formats (tests/data/replies).

Each NN-name.eml is a reply as that client formats it (the client is named in
X-Fixture-Client); NN-name.expected is what the author wrote. The accuracy
is printed with every miss; the target is 95% exact, for plain and for HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.message import parse_message

REPLIES = Path(__file__).parent.parent / "data" / "replies"
TARGET = 0.95


def fixtures(html: bool) -> list[Path]:
    return sorted(p for p in REPLIES.glob("*.eml") if p.name.startswith("h") == html)


def accuracy(paths: list[Path]) -> tuple[float, list[str]]:
    misses = []
    for path in paths:
        expected = path.with_suffix(".expected").read_text("utf-8").strip()
        got = parse_message(path.read_bytes()).visible_text.strip()
        if got != expected:
            misses.append(f"{path.name}:\n  expected {expected!r}\n  got      {got!r}")
    return 1 - len(misses) / len(paths), misses


@pytest.mark.parametrize("html", [False, True], ids=["plain", "html"])
def test_user_pain_03_quoted_history_and_signatures_fixture_accuracy(html, capsys):
    paths = fixtures(html)
    assert len(paths) >= (20 if html else 40)
    score, misses = accuracy(paths)
    with capsys.disabled():
        kind = "HTML" if html else "plain"
        print(f"\nvisible_text {kind}: {score:.1%} exact of {len(paths)} replies")
        for miss in misses:
            print("  miss", miss)
    assert score >= TARGET, "\n".join(misses)
