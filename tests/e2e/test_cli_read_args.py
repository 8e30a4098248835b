"""`tickets list` and `show` command lines read without argparse (cli/read_args.py):
whatever they read, argparse reads the same; whatever they cannot, they leave to it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.cli.parser import build_parser, config_anywhere
from daemon.cli.read_args import parse

WORDS = ["-c", "a.toml", "--config", "--config=b.toml", "-cx.toml", "tickets", "list", "show",
         "5", "007", "x", "--status", "open", "--queue", "billing", "--assignee", "bob",
         "--field", "area=north", "--limit", "10", "--before", "--all", "--json", "-h", "--",
         "-5", "--stat", "--status=open", "", "٣", "1_0", "tickets"]


def by_argparse(words: list[str]) -> dict | None:
    try:
        return vars(config_anywhere(build_parser("tickets", reading=True)).parse_args(words))
    except SystemExit:
        return None


@pytest.mark.parametrize("line", [
    "tickets show 5", "-c a.toml tickets show 5 --json", "tickets show 5 -c a.toml",
    "--config a.toml tickets show 007", "tickets -c a.toml show 5",
    "tickets list", "tickets list --status open --queue billing --limit 10",
    "tickets list --field area=north --field kind=x --json --all --before 9 --assignee bob",
    "-c a.toml tickets list -c b.toml --status new --status open",
])
def test_a_plain_line_is_read_as_argparse_reads_it(line):
    words = line.split()
    quick = parse(words)
    assert quick is not None and vars(quick) == by_argparse(words)


@pytest.mark.parametrize("line", [
    "tickets show", "tickets show x", "tickets show 5 6", "tickets show -5", "tickets show 5 -h",
    "tickets list --stat open", "tickets list --status=open", "tickets list --limit ten",
    "tickets list --json 5", "tickets show 5 --all", "--json tickets show 5",
    "tickets --json show 5", "tickets list --queue", "tickets list -- --json",
    "tickets assign 5 bob", "-cx.toml tickets show 5",
])
def test_anything_else_is_left_to_argparse(line):
    assert parse(line.split()) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=3), st.sampled_from(["list", "show"]),
       st.lists(st.sampled_from(WORDS), max_size=7))
def test_whatever_it_reads_argparse_reads_the_same(before, action, after):
    words = [*before, "tickets", action, *after]
    quick = parse(words)
    if quick is not None:
        assert vars(quick) == by_argparse(words)
