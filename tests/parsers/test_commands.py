"""Command lines at the top of a staff mail: what is a command, what is left to relay."""

from __future__ import annotations

import pytest

from daemon.tickets.commands import GRAMMAR
from parsers.body import html_to_text
from parsers.commands import Command
from parsers.commands import parse_commands as parse_with


def parse_commands(text: str):
    """The parser with ticketd's own grammar (the command registry)."""
    return parse_with(text, GRAMMAR)


def test_commands_then_text():
    block = parse_commands("#assign bob\n#status resolved\n\nAll fixed, thanks for waiting.\n")
    assert block.commands == (Command("assign", ("bob",)), Command("status", ("resolved",)))
    assert block.text == "All fixed, thanks for waiting."
    assert block.errors == ()


@pytest.mark.parametrize("line, command", [
    ("#assign bob@example.com", Command("assign", ("bob@example.com",))),
    ("#assign Alice Doe", Command("assign", ("Alice", "Doe"))),
    ("#assign me", Command("assign", ("me",))),
    ("#take", Command("take")),
    ("#STATUS Pending", Command("status", ("pending",))),
    ("#priority URGENT", Command("priority", ("urgent",))),
    ("#queue billing", Command("queue", ("billing",))),
    ("#tag printer", Command("tag", ("printer",))),
    ("#untag printer", Command("untag", ("printer",))),
    ("#cc add Eve@Customer.example", Command("cc", ("add", "eve@customer.example"))),
    ("#cc drop eve@customer.example", Command("cc", ("drop", "eve@customer.example"))),
    ("#note", Command("note")),
    ("#fwd", Command("fwd")),
])
def test_each_command_alone(line, command):
    block = parse_commands(line)
    assert block.commands == (command,)
    assert block.text == "" and block.errors == ()


def test_leading_blank_lines_and_blank_lines_between_commands():
    block = parse_commands("\n\n  \n#take\n\n#priority high\n\nHello")
    assert [c.name for c in block.commands] == ["take", "priority"]
    assert block.text == "Hello"


def test_commands_stop_at_the_first_line_of_prose():
    block = parse_commands("Hello\n#status resolved\n")
    assert block.commands == ()
    assert block.text == "Hello\n#status resolved"


@pytest.mark.parametrize("text, error", [
    ("#frobnicate now", "#frobnicate: unknown command"),
    ("#status", "#status: expected #status <status>"),
    ("#take bob", "#take: expected #take"),
    ("#cc add not-an-address", "#cc: expected #cc add <email> or #cc drop <email>"),
    ("#cc invite x@y.example", "#cc: expected #cc add <email> or #cc drop <email>"),
])
def test_syntax_errors_are_reported(text, error):
    block = parse_commands(text + "\nsome text")
    assert block.errors == (error,)
    assert block.commands == ()


def test_a_numbered_line_or_markdown_heading_is_prose():
    assert parse_commands("#1 check the cable\n").commands == ()
    assert parse_commands("# Summary\n").commands == ()


def test_html_converted_reply():
    html = ("<div dir=ltr><div>#assign bob</div><div>#cc add "
            "<a href=\"mailto:eve@customer.example\">eve@customer.example</a></div>"
            "<p>#status&nbsp;pending</p><p><b>Hello</b> Dana,</p><p>please send the log.</p>"
            "</div>")
    block = parse_commands(html_to_text(html))
    assert block.commands == (Command("assign", ("bob",)),
                              Command("cc", ("add", "eve@customer.example")),
                              Command("status", ("pending",)))
    assert block.text.startswith("Hello Dana,")
    assert block.errors == ()


def test_escaped_and_bold_markers_and_crlf():
    block = parse_commands("\\#take\r\n**#tag vip**\r\n\r\nText\r\n")
    assert block.commands == (Command("take"), Command("tag", ("vip",)))
    assert block.text == "Text"


def test_no_text_at_all():
    block = parse_commands("")
    assert block.commands == () and block.text == "" and block.errors == ()

