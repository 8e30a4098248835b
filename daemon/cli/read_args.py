"""The command lines of `tickets list` and `tickets show`, read without argparse.

They are typed often, and argparse costs such a read ~13 ms of its ~100 (the import,
with gettext and locale, and the parser built). Their grammar is small: -c FILE
anywhere, a few options that take one value, two flags, one ticket id. Anything else
(help, an abbreviated option, `--opt=value`, a value that looks like an option, a
number argparse would read differently, `--`) gives None, and argparse reads the line
and says what is wrong. tests/e2e/test_cli_read_args.py checks that the two agree.
"""

from __future__ import annotations

from types import SimpleNamespace

# option -> (attribute, how its value is read); the last one given wins, as in argparse
VALUES = {"--status": ("status", str), "--queue": ("queue", str),
          "--assignee": ("assignee", str), "--limit": ("limit", int),
          "--before": ("before", int), "-c": ("config", str), "--config": ("config", str)}
FLAGS = {"--json": "json", "--all": "all"}
DEFAULTS = {"list": {"status": None, "queue": None, "assignee": None, "field": (),
                     "limit": 50, "before": None, "all": False, "json": False},
            "show": {"json": False}}


def parse(words: list[str]) -> SimpleNamespace | None:
    """The namespace argparse would give for these words, or None: ask argparse."""
    found: dict = {"config": None}
    positional: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if (word in VALUES or word in FLAGS or word == "--field") and \
                word not in ("-c", "--config") and len(positional) < 2:
            return None  # before `tickets list|show` argparse knows only -c (and -h)
        if word in VALUES or word == "--field":
            if i + 1 == len(words) or not _plain(words[i + 1]):
                return None
            value = words[i + 1]
            if word == "--field":
                found.setdefault("field", []).append(value)
            else:
                name, kind = VALUES[word]
                if kind is int and not _digits(value):
                    return None
                found[name] = kind(value)
            i += 2
        elif word in FLAGS:
            found[FLAGS[word]] = True
            i += 1
        elif _plain(word):
            positional.append(word)
            i += 1
        else:
            return None
    if positional[:1] != ["tickets"] or positional[1:2] not in (["list"], ["show"]):
        return None
    action, rest = positional[1], positional[2:]
    if any(k != "config" and k not in DEFAULTS[action] for k in found):
        return None  # an option of the other command
    if action == "show":
        if len(rest) != 1 or not _digits(rest[0]):
            return None
        found["id"] = int(rest[0])
    elif rest:
        return None
    values = {**DEFAULTS[action], **found}
    if action == "list":
        values["field"] = list(values["field"])  # a list of its own, as argparse's
    return SimpleNamespace(command="tickets", action=action, **values)


def _digits(word: str) -> bool:
    return word.isascii() and word.isdigit()


def _plain(word: str) -> bool:
    """A value or a positional word as argparse takes it: not starting with '-'."""
    return bool(word) and not word.startswith("-")
