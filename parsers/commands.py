"""Command lines at the top of a staff mail: `#assign bob`, `#status resolved`, `#note`.

Pure syntax: which commands, with which argument, and what text is left to
relay. Whether `bob` is a staff member or `finished` a status is the caller's
question (it needs the config). Tolerates what mail clients do to the lines:
leading blank lines, HTML converted to text (`\\#`, `[x@y](mailto:x@y)`,
no-break spaces, `*bold*`), and bold markers. `# word` (a space after #) is prose, not a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# name -> (minimum, maximum) number of words in the argument
ARITY = {
    "assign": (1, 8), "take": (0, 0), "status": (1, 1), "priority": (1, 1),
    "queue": (1, 1), "tag": (1, 1), "untag": (1, 1), "cc": (2, 2), "note": (0, 0),
    "fwd": (0, 0),
}
USAGE = {
    "assign": "#assign <email|name|me>", "status": "#status <status>",
    "priority": "#priority <priority>", "queue": "#queue <name>", "tag": "#tag <tag>",
    "untag": "#untag <tag>", "cc": "#cc add <email> or #cc drop <email>",
    "take": "#take", "note": "#note", "fwd": "#fwd",
}

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


def parse_commands(text: str) -> CommandBlock:
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
        command, error = _command(m.group(1).lower(), m.group(2))
        if error:
            errors.append(error)
        else:
            commands.append(command)
        i += 1
    rest = "\n".join(lines[i:]).strip("\n")
    return CommandBlock(tuple(commands), rest.strip() and rest, tuple(errors))


def _clean(line: str) -> str:
    line = line.replace("\xa0", " ").replace("\u200b", "").strip()
    line = _MAILTO.sub(r"\1", line)
    return _ANGLE.sub(r"\1", line).strip("*_ \t")


def _command(name: str, rest: str) -> tuple[Command | None, str | None]:
    if name not in ARITY:
        return None, f"#{name}: unknown command"
    args = tuple(rest.replace("\\", "").strip(" \t*_:").split())
    low, high = ARITY[name]
    if not low <= len(args) <= high:
        return None, f"#{name}: expected {USAGE[name]}"
    if name == "cc":
        action, addr = args[0].lower(), args[1].lower()
        if action not in ("add", "drop") or not _ADDRESS.match(addr):
            return None, f"#cc: expected {USAGE['cc']}"
        return Command("cc", (action, addr)), None
    if name in ("status", "priority"):
        args = (args[0].lower(),)
    return Command(name, args), None


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))
