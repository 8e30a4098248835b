"""`ticketd explain FILE.eml`: how a mail would be handled, changing nothing."""

from __future__ import annotations

from daemon.worker.pipeline import Decision, Pipeline, Unprocessable


def explain(pipeline: Pipeline, raw: bytes, rcpt_to: tuple[str, ...] = (),
            queue_hint: str | None = None) -> dict:
    """The decision as a stable JSON-able dict; the transaction is rolled back."""
    db = pipeline.db
    try:
        with db.atomic() as txn:
            decision = pipeline.decide(raw, rcpt_to, queue_hint=queue_hint)
            txn.rollback()  # decide only reads; this makes sure of it
    except Unprocessable as exc:
        return {"outcome": "quarantine", "reason": str(exc)}
    return decision_json(decision, pipeline)


def decision_json(d: Decision, pipeline: Pipeline) -> dict:
    msg, cls, plan, route = d.msg, d.classification, d.plan, d.route
    out = {
        "outcome": plan.action if plan.action != "create" else "new_ticket",
        "summary": plan.outcome,
        "from": d.requester,
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
        "command_errors": (list(plan.commands.errors) + pipeline.applier.staff.check(
            plan.commands, msg.from_addr or "")) if plan.commands else [],
    }
    if plan.action == "create" and route is not None:
        queue = pipeline.config.queue(route.queue)
        out["route"] = {
            "queue": route.queue, "queue_reason": route.queue_reason,
            "priority": route.priority, "tags": list(route.tags),
            "rules": [{"rule": h.rule, "because": list(h.reasons)} for h in route.hits],
            "assignee": route.assignee or (f"by {queue.assign} among {', '.join(queue.members)}"
                                           if queue and queue.assign != "manual" and queue.members
                                           else None),
        }
    return out


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
