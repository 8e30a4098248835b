"""What a staff mail asks for, decided without I/O: commands, relay, note or forward.

The values checked against the config (is `bob` staff?) wait for apply time,
in daemon/staff/mail.py, which carries the plan out.
"""

from __future__ import annotations

from daemon.tickets.commands import GRAMMAR
from parsers.commands import CommandBlock, parse_commands
from parsers.forward import attached_sender, forwarded_sender
from parsers.message import ParsedMessage


def staff_commands(msg: ParsedMessage) -> CommandBlock:
    return parse_commands(msg.visible_text, GRAMMAR)


def commands_of(text: str) -> CommandBlock:
    return parse_commands(text, GRAMMAR)


def staff_outcome(block: CommandBlock, where: str) -> tuple[str, str]:
    """(message kind, outcome line) for a staff follow-up."""
    if block.errors:
        return "staff", f"staff mail on {where}: refused ({'; '.join(block.errors)})"
    done = ", ".join(str(c) for c in block.commands) or "no commands"
    if block.has("note"):
        return "note", f"internal note on {where} ({done})"
    if block.text:
        return "staff", f"staff reply on {where} ({done})"
    return "staff", f"staff commands on {where} ({done})"


def forwarded_requester(msg: ParsedMessage) -> tuple[str, str] | None:
    """A staff mail marked `#fwd` names its requester: an attached mail, else the block."""
    head = parse_commands(msg.text, GRAMMAR)
    if not head.has("fwd"):
        return None
    for att in msg.attachments:
        if att.content_type == "message/rfc822":
            found = attached_sender(att.data)
            if found:
                return found
    return forwarded_sender(head.text)
