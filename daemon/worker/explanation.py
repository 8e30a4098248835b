"""A decision as the admin reads it: the JSON of `ticketd explain`, and its text.

The same shape is kept with each mail in the mail log (`spool.decision`), so
`ticketd mail show` says why a mail was handled as it was, long after.
"""

from __future__ import annotations

from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.staff.mail import StaffMail
from daemon.worker.decide import Decision


def decision_json(d: Decision, config: Config) -> dict:
    msg, cls, plan, route = d.msg, d.classification, d.plan, d.route
    out = {
        "outcome": plan.action if plan.action != "create" else "new_ticket",
        "summary": plan.outcome,
        "from": d.requester,
        "header_from": msg.from_addr,
        "subject": msg.subject,
        "message_id": msg.message_id,
        "classification": cls.kind,
        "sender_role": cls.sender_role,
        "robot": msg.robot.reason or None,
        "ticket_id": cls.ticket_id,
        "thread_rung": cls.rung or None,
        "notes": list(cls.notes),
        "message_kind": plan.kind,
        "new_status": plan.new_status,
        "participants_added": [a for _, a in plan.participants],
        "notices": [{"template": n.template, "to": n.to} for n in plan.notices],
        "commands": [str(c) for c in plan.commands.commands] if plan.commands else [],
        "command_errors": (list(plan.commands.errors) + StaffMail(config, Notifier(config)).check(
            plan.commands, msg.from_addr or "")) if plan.commands else [],
        "fields": fields_json(d),
        "missing": [label for _, label in plan.missing],
    }
    if plan.action == "create" and route is not None:
        queue = config.queue(route.queue)
        out["route"] = {
            "queue": route.queue, "queue_reason": route.queue_reason,
            "priority": route.priority, "tags": list(route.tags),
            "rules": [{"rule": h.rule, "because": list(h.reasons)} for h in route.hits],
            "assignee": route.assignee or (f"by {queue.assign} among {', '.join(queue.members)}"
                                           if queue and queue.assign != "manual" and queue.members
                                           else None),
        }
    return out


def fields_json(d: Decision) -> list[dict]:
    """Every field read (from the mail, the directory or a rule), where from, and whether
    it is stored: only the fields of the ticket's queue are; on a follow-up, only new ones."""
    stored = {r.name for r in d.plan.fields}
    rule_set = [r for r in d.plan.fields if r.source.startswith("rule ")]
    return [{"name": r.name, "value": r.value, "source": r.source, "stored": r.name in stored}
            for r in d.readings + tuple(rule_set)]


def explain_text(info: dict) -> str:
    if info["outcome"] == "quarantine":
        return f"outcome     quarantine\nreason      {info['reason']}"
    rows = [
        ("outcome", info["summary"]),
        ("from", f"{info['from']} ({info['sender_role']})"),
        ("subject", info["subject"]),
        ("class", info["classification"] + (f" — robot: {info['robot']}" if info["robot"]
                                            else "")),
    ]
    if info["ticket_id"]:
        rows.append(("ticket", f"#{info['ticket_id']} by {info['thread_rung']}"))
    for note in info["notes"]:
        rows.append(("note", note))
    route = info.get("route")
    if route:
        rows.append(("queue", f"{route['queue']} ({route['queue_reason']})"))
        for hit in route["rules"]:
            rows.append(("rule", f"{hit['rule']!r} because {'; '.join(hit['because'])}"))
        if not route["rules"]:
            rows.append(("rule", "no rule matched"))
        rows.append(("priority", route["priority"]))
        rows.append(("tags", ", ".join(route["tags"]) or "-"))
        rows.append(("assignee", route["assignee"] or "nobody (manual)"))
    for f in info["fields"]:
        kept = "" if f["stored"] else " (not stored: not on this ticket's form, or set)"
        rows.append(("field", f"{f['name']} = {f['value']!r} from {f['source']}{kept}"))
    if info["missing"]:
        rows.append(("missing", ", ".join(info["missing"]) + " (the acknowledgement asks)"))
    if info["new_status"]:
        rows.append(("status", f"-> {info['new_status']}"))
    if info["participants_added"]:
        rows.append(("cc", ", ".join(info["participants_added"])))
    if info["commands"] or info["command_errors"]:
        rows.append(("commands", ", ".join(info["commands"]) or "-"))
        for error in info["command_errors"]:
            rows.append(("refused", f"{error} (so none is applied)"))
    notices = ", ".join(f"{n['template']} to {n['to']}" for n in info["notices"]) or "none"
    rows.append(("notices", notices))
    return "\n".join(f"{k:<11} {v}" for k, v in rows)
