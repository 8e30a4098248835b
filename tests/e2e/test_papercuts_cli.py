"""Issue 12, admin papercut 21: the ticket commands say what they did, and take what mail takes."""

from __future__ import annotations

import argparse

from conftest import config_text, free_port, make_mail, wait_for
from staffmail import body, mail_to

from daemon.cli.parser import build_parser
from daemon.tickets.commands import GRAMMAR
from parsers.commands import parse_commands


def one_ticket(daemon) -> str:
    daemon.send(make_mail())
    return str(wait_for(daemon.tickets, what="a ticket")[0]["id"])


def out(daemon, *args) -> str:
    return daemon.cli("tickets", *args, "--as", "alice@example.com").stdout.decode()


def test_point_21_change_commands_print_old_to_new_and_no_change(daemon):
    tid = one_ticket(daemon)
    before = daemon.ticket(int(tid))
    said = out(daemon, "priority", tid, "urgent")
    assert f"#{tid} priority: normal -> urgent" in said
    said = out(daemon, "assign", tid, "Carol Poe")
    assert f"#{tid} assignee: {before['assignee']} -> carol@example.com" in said
    assert f"#{tid} tag added: vip" in out(daemon, "tag", tid, "vip")
    for again in (("priority", tid, "urgent"), ("assign", tid, "carol"), ("tag", tid, "vip"),
                  ("status", tid, before["status"])):
        assert out(daemon, *again).strip() == f"#{tid}: no change", again


def test_point_21_list_filters_resolve_names_and_refuse_unknown_values(daemon):
    tid = one_ticket(daemon)
    daemon.cli("tickets", "assign", tid, "bob@example.com")
    assert [t["id"] for t in daemon.tickets("--assignee", "bob")] == [int(tid)]
    assert [t["id"] for t in daemon.tickets("--assignee", "Bob Roe")] == [int(tid)]
    assert [t["id"] for t in daemon.tickets("--status", "NEW")] == [int(tid)]
    for wrong, said in ((("--status", "finished"), "'finished' is not a status"),
                        (("--queue", "nowhere"), "'nowhere' is not a queue"),
                        (("--assignee", "zoe"), "'zoe' is not a staff member")):
        r = daemon.cli("tickets", "list", *wrong, check=False)
        assert r.returncode == 2 and said in r.stderr.decode(), (wrong, r.stderr)


def test_point_21_tags_and_words_are_read_the_same_by_cli_mail_and_config(daemon_factory):
    mail = parse_commands("*#tag *VIP**\n#status Resolved\n", GRAMMAR).commands
    assert [str(c) for c in mail] == ["#tag VIP", "#status resolved"]
    d = daemon_factory(config_text(directory="outbox"))
    tid = one_ticket(d)
    assert f"#{tid} tag added: VIP" in out(d, "tag", tid, "*VIP*")  # as the mail line reads
    assert f"#{tid} status: new -> resolved" in out(d, "status", tid, "Resolved")
    r = d.cli("tickets", "tag", tid, "needs review", check=False)
    assert r.returncode == 2 and "#tag: expected #tag <tag>" in r.stderr.decode()
    r = d.cli("tickets", "tag", tid, "a,b", check=False)
    assert r.returncode == 2 and "'a,b' is not a tag" in r.stderr.decode()
    rule = ('[[rules]]\nname = "Review"\nmatch = { subject = ["review"] }\n'
            'set = { tags = ["needs review"] }\n')  # a tag no #untag could take off again
    d.config.write_text(d.config.read_text() + rule)
    r = d.cli("check-config", check=False)
    assert r.returncode == 2
    assert "rules['Review'].set.tags[0]: 'needs review' is not a tag" in r.stderr.decode()


def test_point_21_a_cli_note_is_told_to_staff_as_a_mail_note_is(daemon, sink):
    tid = one_ticket(daemon)
    daemon.cli("tickets", "assign", tid, "bob")
    said = out(daemon, "note", tid, "Called the customer: the fuser is gone.")
    assert f"#{tid} note: Called the customer" in said
    note = mail_to(sink, "bob@example.com", "note:", what="the note to the assignee")[0]
    assert "Called the customer: the fuser is gone." in body(note)
    assert "not sent to the customer" in body(note)
    assert not [m for m in sink.to("dana@customer.example") if "note" in m["Subject"]]


def test_point_21_every_subcommand_has_help_text():
    missing = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help for a in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name) or helps[name] == argparse.SUPPRESS:
                        missing.append(f"{path} {name}".strip())
                    walk(sub, f"{path} {name}")

    walk(build_parser(), "")
    assert missing == []


def test_point_21_outbox_list_shows_the_whole_error_naming_the_relay(daemon_factory):
    relay = f"127.0.0.1:{free_port()}"  # nothing listens there
    d = daemon_factory(config_text(directory="outbox").replace(
        'directory = "outbox"', f'smtp = "{relay}"'))
    d.send(make_mail())
    wait_for(lambda: any(o["last_error"] for o in d.outbox()), what="a failed try")
    text = d.cli("outbox", "list").stdout.decode()
    errors = [line for line in text.splitlines() if "last error:" in line]
    assert errors and all(f"{relay}: ConnectionRefusedError: [Errno 111] Connection refused"
                          in line for line in errors), text
