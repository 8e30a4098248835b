"""Command lines at the top of a staff mail: `#assign bob`, `#status resolved`, `#note`.

Pure syntax: which commands, with which argument, and what text is left to
relay. The commands that exist come in as a grammar (the caller's registry);
whether `bob` is a staff member or `finished` a status is the caller's question
(it needs the config). Tolerates what mail clients do to the lines: leading
blank lines, HTML converted to text (`\\#`, `[x@y](mailto:x@y)`, no-break
spaces, `*bold*`), and bold markers. `# word` (a space after #) is prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Syntax:
    """How one command is written; the caller hands in one per command that exists."""

    name: str
    usage: str  # "#status <status>"
    arity: tuple[int, int] = (0, 0)  # fewest and most words after the name
    lower: bool = False  # arguments are case-insensitive words (statuses, priorities)
    choices: tuple[str, ...] = ()  # the first argument must be one of these
    address_at: int | None = None  # this argument must be an email address


_COMMAND_LINE = re.compile(r"^\s*[*_]*\\?#([A-Za-z]\w*)\b(.*)$")
_MAILTO = re.compile(r"\[([^\]]*)\]\(mailto:[^)]*\)")
_ANGLE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...] = ()

    @property
    def arg(self) -> str:
        return " ".join(self.args)

    def __str__(self) -> str:
        return "#" + " ".join((self.name, *self.args))


@dataclass(frozen=True)
class CommandBlock:
    commands: tuple[Command, ...]
    text: str  # what is left once the command lines are taken off
    errors: tuple[str, ...]

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.commands)


def parse_commands(text: str, grammar: dict[str, Syntax]) -> CommandBlock:
    """Take command lines off the top of `text`; stop at the first line of prose."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    commands: list[Command] = []
    errors: list[str] = []
    i = 0
    while i < len(lines):
        line = _clean(lines[i])
        if not line:
            i += 1
            continue
        m = _COMMAND_LINE.match(line)
        if not m or m.group(1)[0].isdigit():
            break
        command, error = _command(grammar, m.group(1).lower(), m.group(2))
        if error:
            errors.append(error)
        else:
            commands.append(command)
        i += 1
    rest = "\n".join(lines[i:]).strip("\n")
    return CommandBlock(tuple(commands), rest.strip() and rest, tuple(errors))


def parse_command(grammar: dict[str, Syntax], name: str, text: str
                  ) -> tuple[Command | None, str | None]:
    """One command given by other means (`ticketd tickets tag 42 VIP`), read exactly as
    the line `#tag VIP` of a mail would be: the same cleaning, case and checks."""
    return _command(grammar, name.lower(), _clean(text))


def _clean(line: str) -> str:
    line = line.replace("\xa0", " ").replace("\u200b", "").strip()
    line = _MAILTO.sub(r"\1", line)
    return _ANGLE.sub(r"\1", line).strip("*_ \t")


def _command(grammar: dict[str, Syntax], name: str, rest: str
             ) -> tuple[Command | None, str | None]:
    syntax = grammar.get(name)
    if syntax is None:
        return None, f"#{name}: unknown command"
    args = tuple(rest.replace("\\", "").strip(" \t*_:").split())
    low, high = syntax.arity
    if not low <= len(args) <= high:
        return None, f"#{name}: expected {syntax.usage}"
    if syntax.lower:
        args = tuple(a.lower() for a in args)
    if syntax.choices:
        args = (args[0].lower(),) + args[1:]
        if args[0] not in syntax.choices:
            return None, f"#{name}: expected {syntax.usage}"
    if syntax.address_at is not None:
        i = syntax.address_at
        args = args[:i] + (args[i].lower(),) + args[i + 1:]
        if not _ADDRESS.match(args[i]):
            return None, f"#{name}: expected {syntax.usage}"
    return Command(name, args), None


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))
