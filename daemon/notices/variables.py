"""What a template can use: `python -m daemon.notices.variables > docs/templates.md`.

The variables and their example values come from the sample context every
template is checked against at start-up (render.sample_context), and which
template gets which from render.EXTRAS; only the sentences are written here.
A test keeps docs/templates.md current and every variable described.
"""

from __future__ import annotations

from daemon.notices.render import (
    CUSTOMER_FACING,
    TEMPLATE_NAMES,
    sample_context,
    variables_of,
)

DESCRIPTIONS = {
    "forward_address": "the staff member's own address for forwarding a customer's mail "
                       "into a new ticket (it carries their reply token; empty when tokens "
                       "are off)",
    "ticket": "the ticket as it is at this change",
    "ticket.id": "its number",
    "ticket.tag": "its subject tag, e.g. `[Ticket #42]` (the prefix is `[tickets] tag_prefix`)",
    "ticket.subject": "the subject it was opened with",
    "ticket.status": "new, open, pending, resolved or closed",
    "ticket.queue": "the queue's name",
    "ticket.assignee": "the assignee's address; empty when nobody is assigned",
    "ticket.assignee_name": "the assignee's name from `[[staff]]` (else the address)",
    "ticket.requester": "the customer's address",
    "ticket.requester_name": "the customer's display name; may be empty (see `mailbox`)",
    "ticket.priority": "low, normal, high or urgent",
    "ticket.tags": "a list of tags",
    "ticket.created_at": "when it was opened (ISO 8601)",
    "ticket.participants": "the addresses Cc'd on the ticket",
    "message": "the mail the notice is about (the customer's, the staff member's or the note)",
    "message.from": "its sender's address",
    "message.from_name": "its sender's display name; may be empty",
    "message.subject": "its subject",
    "message.text": "its whole plain text",
    "message.visible_text": "what its author wrote, without quoted history or signature",
    "tag": "the ticket's subject tag; a customer's template must have it in its subject",
    "support_name": "the display name of `[outbound] from`",
    "support_address": "the address of `[outbound] from`",
    "recipient": "the (first) address the notice goes to",
    "missing": "required form fields still missing: a list of {name, label}; may be empty",
    "actor": "who did it: the staff member (assigned: their address; note: their name)",
    "errors": "why the staff member's commands were not applied: a list of sentences",
    "staff_name": "the replying staff member's name",
    "status_change": "`resolved` or `pending` when the same mail changed the status, else empty",
    "omitted": "the attachments left out, one sentence each",
    "sla": "the circulation rule that fired",
    "sla.rule": "its name",
    "sla.timer": "first response, resolution or unassigned",
    "sla.at": "the point reached, e.g. 75%",
    "sla.due": "when the target is due, in the calendar's zone",
    "tickets": "the sender's open tickets, each with the keys of `ticket`",
}


def flatten(sample: dict) -> dict[str, object]:
    """`ticket` and `ticket.id` alike; a list of tables is described once, as a whole."""
    out: dict[str, object] = {}
    for key, value in sample.items():
        out[key] = value
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
    return out


def used_by(variable: str) -> str:
    top = variable.partition(".")[0]
    given = [t for t in TEMPLATE_NAMES if top in (variables_of(t) or ())]
    about_tickets = [t for t in TEMPLATE_NAMES if "ticket" in (variables_of(t) or ())]
    if given == list(TEMPLATE_NAMES):
        return "all"
    if given == about_tickets:
        return "all but status_list"
    return ", ".join(given)


def _example(value) -> str:
    if isinstance(value, dict):
        return ""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "a list"
    return "`" + repr(value).replace("|", "\\|").replace("\n", "\\n") + "`"


def reference() -> str:
    out = ["# Template variables", "",
           "Generated from the sample context every template is checked against "
           "(`daemon/notices/render.py`) by `python -m daemon.notices.variables`; a test keeps "
           "it current. Templates are Jinja2 files in `templates/` (first line `Subject: ...`), "
           "overridden by files of the same name in `[daemon] templates`. A template is "
           "checked at start-up and on reload with only the variables it is really given, so "
           "a typo or a variable of another template stops the reload, not the notice. "
           "Customer-facing templates (" + ", ".join(f"`{t}`" for t in CUSTOMER_FACING) +
           ") must have `{{ tag }}` in their subject.", "",
           "Filter: `{{ ticket.requester | mailbox(ticket.requester_name) }}` gives "
           "`Name <address>`, or the bare address when there is no name.", "",
           "| variable | example | meaning | templates |", "|---|---|---|---|"]
    for name, value in flatten(sample_context()).items():
        meaning = DESCRIPTIONS.get(name, "").replace("|", "\\|")
        out.append(f"| `{name}` | {_example(value)} | {meaning} | {used_by(name)} |")
    out += ["", "## By template", "", "| template | variables |", "|---|---|"]
    for t in TEMPLATE_NAMES:
        out.append(f"| `{t}.j2` | {', '.join(f'`{v}`' for v in variables_of(t) or ())} |")
    return "\n".join(out)


if __name__ == "__main__":
    print(reference())
