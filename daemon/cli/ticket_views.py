"""`tickets list` and `show`: rows as daemon/store/reads.py gives them -> the JSON shapes of
DESIGN.md, and the text people read. Pure: the caller makes the queries."""

from __future__ import annotations

from daemon.cli.views import iso, short, table


def ticket_json(t: dict, fields: dict[str, str]) -> dict:
    """A ticket (with its clock's columns: reads.TICKETS) and its form fields."""
    out = {
        "id": t["id"], "subject": t["subject"], "status": t["status"], "queue": t["queue"],
        "assignee": t["assignee"], "requester": t["requester"], "priority": t["priority"],
        "tags": list(t["tags"] or []), "created_at": iso(t["created_at"]),
        "updated_at": iso(t["updated_at"]), "resolved_by": t["resolved_by"],
        "resolved_at": iso(t["resolved_at"]), "follows": t["merged_from"],
        "first_response_at": iso(t["first_response_at"]), "fields": dict(fields),
    }
    if t["rule"]:
        out["due"] = due_json(t)
    return out


def due_json(c: dict) -> dict:
    """The circulation due times (DESIGN.md: `due`), the rule, and whether the clock is
    paused (pending on the customer: the times move on when it runs again)."""
    return {"first_response": iso(c["due_first_response"]),
            "resolution": iso(c["due_resolution"]), "rule": c["rule"],
            "paused": c["paused_since"] is not None}


def list_json(tickets: list[dict], fields: dict[int, dict[str, str]]) -> list[dict]:
    return [ticket_json(t, fields[t["id"]]) for t in tickets]


def detail_json(t: dict, *, fields: list[dict], participants: list[str],
                messages: list[dict], attachments: dict[int, list[dict]],
                events: list[dict]) -> dict:
    """One ticket whole: its fields with where each was read, participants, messages (with
    their attachments) and history."""
    out = ticket_json(t, {f["name"]: f["value"] for f in fields})
    out["field_sources"] = {f["name"]: f["source"] for f in fields}
    out["participants"] = participants
    out["messages"] = [message_json(m, attachments.get(m["id"], [])) for m in messages]
    out["events"] = [{"at": iso(e["at"]), "actor": e["actor"], "action": e["action"],
                      "old": e["old"], "new": e["new"]} for e in events]
    return out


def message_json(m: dict, attachments: list[dict]) -> dict:
    """An incoming message's sent_at is its author's Date; ours, when the relay took it."""
    return {
        "id": m["id"], "direction": m["direction"], "kind": m["kind"], "from": m["from_addr"],
        "to": list(m["to_addrs"] or []), "cc": list(m["cc_addrs"] or []),
        "subject": m["subject"], "text": m["text"],
        "visible_text": m["visible_text"] or (m["text"] if m["direction"] == "out" else ""),
        "message_id": m["message_id"],
        "html": _sanitized(m["html"]) if m["html"] else "",  # raw HTML stays in the database
        "thread_rung": m["thread_rung"], "defects": list(m["defects"] or []),
        "created_at": iso(m["created_at"]),
        "sent_at": iso(m["sent_at"] if m["direction"] == "in" else m["relayed_at"]),
        "attachments": [{"filename": a["filename"], "content_type": a["content_type"],
                         "size": a["size"], "sha256": a["sha256"], "inline": a["inline"]}
                        for a in attachments],
    }


def _sanitized(html: str) -> str:
    from parsers.sanitize import sanitize_html  # only a message with HTML needs it

    return sanitize_html(html)


def list_text(listed: list[dict]) -> str:
    due = any("due" in t for t in listed)
    rows = [[t["id"], t["status"], t["queue"], t["assignee"] or "-", t["requester"],
             t["priority"]] + ([_next_due(t)] if due else []) + [short(t["subject"])]
            for t in listed]
    return table(rows, ["ID", "STATUS", "QUEUE", "ASSIGNEE", "REQUESTER", "PRIORITY"]
                 + (["DUE"] if due else []) + ["SUBJECT"])


def _next_due(t: dict) -> str:
    d = t.get("due")
    if not d:
        return "-"
    when = d["resolution"] if t["first_response_at"] else d["first_response"] or d["resolution"]
    return (when or "-")[:16].replace("T", " ") + (" (paused)" if d["paused"] else "")


def show_text(d: dict) -> str:
    head = [f"#{d['id']} {d['subject']}",
            f"status {d['status']}, queue {d['queue']}, priority {d['priority']}, "
            f"assignee {d['assignee'] or '-'}",
            f"requester {d['requester']}; participants {', '.join(d['participants']) or '-'}",
            f"tags {', '.join(d['tags']) or '-'}"]
    for name, value in d["fields"].items():
        head.append(f"field {name} = {value}  ({d['field_sources'].get(name, '')})")
    if "due" in d:
        due = d["due"]
        head.append(f"due ({due['rule']}{', paused' if due['paused'] else ''}): first "
                    f"response {due['first_response'] or '-'}, resolution "
                    f"{due['resolution'] or '-'}")
    head.append("")
    for m in d["messages"]:
        head.append(f"--- {m['created_at']} {m['direction']} {m['kind']} from {m['from']}")
        head.append(m["visible_text"].rstrip())
        for a in m["attachments"]:
            head.append(f"    [attachment] {a['filename']} ({a['content_type']}, {a['size']} B)")
    head.append("")
    head.append(table([[e["at"], e["actor"], e["action"], e["old"] or "", e["new"] or ""]
                       for e in d["events"]], ["AT", "ACTOR", "ACTION", "OLD", "NEW"]))
    return "\n".join(head)
