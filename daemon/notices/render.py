"""Jinja2 templates of every mail we send, sandboxed and strict.

A template file starts with a `Subject:` line, a blank line, then the body.
An undefined variable is an error, and every template is rendered against a
sample ticket at start-up and on reload, so a typo stops the reload instead
of reaching a customer as `{{ ticket.subjct }}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATE_NAMES = (
    "ack", "staff_new", "staff_followup", "assigned", "relay", "note", "command_error",
    "status_resolved", "status_reopened", "status_pending", "status_list", "attachments_omitted",
    "fields_missing", "sla_reminder", "sla_escalated", "staff_unverified",
)
CUSTOMER_FACING = ("ack", "relay", "status_resolved", "status_reopened", "status_pending",
                   "attachments_omitted", "fields_missing")
# What each template is given (docs/templates.md lists them): every notice about a ticket
# gets these, plus its extras; the status list is about no one ticket.
TICKET_NOTICE = ("ticket", "message", "tag", "support_name", "support_address", "recipient")
EXTRAS = {
    "ack": ("missing",), "staff_new": ("missing", "forward_address"),
    "staff_followup": ("missing", "forward_address"), "staff_unverified": ("forward_address",),
    "status_reopened": ("missing",), "fields_missing": ("missing",),
    "assigned": ("actor",), "note": ("actor",), "command_error": ("errors",),
    "relay": ("staff_name", "status_change"), "attachments_omitted": ("omitted",),
    "sla_reminder": ("sla",), "sla_escalated": ("sla",), "status_resolved": (),
    "status_pending": (),
}
STANDALONE = {"status_list": ("support_name", "support_address", "recipient", "tickets")}


class TemplateError(Exception):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def shipped_templates_dir() -> Path:
    """templates/ beside the package in a checkout; daemon/templates/ once installed
    (pyproject maps the one onto the other)."""
    package = Path(__file__).resolve().parent.parent  # daemon/
    for candidate in (package.parent / "templates", package / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError(f"no templates folder found beside {package}")


class Renderer:
    def __init__(self, override_dir: Path | None = None):
        # Jinja2 only where notices are rendered: the CLI's ticket commands import this
        # module for its names and stay quick without it.
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment

        self._jinja2 = jinja2
        loaders = [jinja2.FileSystemLoader(str(shipped_templates_dir()))]
        if override_dir is not None:
            loaders.insert(0, jinja2.FileSystemLoader(str(override_dir)))
        self.env = SandboxedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["mailbox"] = mailbox

    def render(self, name: str, context: dict) -> Rendered:
        try:
            text = self.env.get_template(f"{name}.j2").render(**context)
        except self._jinja2.TemplateError as exc:
            raise TemplateError(f"template {name}.j2: {exc}") from exc
        return split_subject(name, text)

    def check_all(self, sample: dict) -> None:
        """Render every template against a sample; raise listing each failure."""
        problems = []
        for name in TEMPLATE_NAMES:
            try:
                out = self.render(name, sample_for(name, sample))
            except TemplateError as exc:
                problems.append(str(exc))
                continue
            if name in CUSTOMER_FACING and sample["tag"] not in out.subject:
                problems.append(f"template {name}.j2: the subject must contain {{{{ tag }}}}")
        if problems:
            raise TemplateError("\n".join(problems))


def mailbox(address: str, name: str | None = "") -> str:
    """`{{ ticket.requester | mailbox(ticket.requester_name) }}`: "Name <address>", or the
    bare address when there is no name (never an empty name before `<address>`)."""
    name = " ".join((name or "").split())
    return f"{name} <{address}>" if name and name != address else address


def stray_overrides(override_dir: Path) -> list[str]:
    """Files in the override folder that override nothing (a typo in a name, a template
    of an older release): they would be ignored without a word."""
    if not override_dir.is_dir():
        return [f"{override_dir}: no such folder; the shipped templates are used"]
    known = {f"{n}.j2" for n in TEMPLATE_NAMES}
    return [f"{override_dir / f.name}: no template is named {f.stem!r}, so this file is "
            f"not used (templates: {', '.join(TEMPLATE_NAMES)})"
            for f in sorted(override_dir.iterdir())
            if f.is_file() and f.name not in known and not f.name.startswith(".")]


def split_subject(name: str, text: str) -> Rendered:
    head, sep, body = text.partition("\n\n")
    if not sep or not head.lower().startswith("subject:"):
        raise TemplateError(f"template {name}.j2: must start with 'Subject: ...' and a blank line")
    subject = " ".join(head[len("subject:") :].split())
    return Rendered(subject=subject, body=body.rstrip() + "\n")


def variables_of(template: str) -> tuple[str, ...] | None:
    """The variables a template is really given; None for one not listed here."""
    if template in STANDALONE:
        return STANDALONE[template]
    extras = EXTRAS.get(template)
    return None if extras is None else TICKET_NOTICE + extras


def sample_for(template: str, sample: dict) -> dict:
    """Only what the template will really get, so a variable it is not given fails the
    check at start-up rather than the notice at sending time."""
    names = variables_of(template)
    return sample if names is None else {k: v for k, v in sample.items() if k in names}


def sample_context() -> dict:
    """A ticket with every field set, for start-up checks and tests."""
    ticket = {
        "id": 42, "tag": "[Ticket #42]", "subject": "Printer on fire", "status": "open",
        "queue": "general",
        "assignee": "alice@example.com", "assignee_name": "Alice Doe",
        "requester": "carol@customer.example", "requester_name": "Carol",
        "priority": "normal", "tags": ["hardware"], "created_at": "2026-01-01T10:00:00+00:00",
        "participants": ["dave@customer.example"],
    }
    message = {"from": "carol@customer.example", "from_name": "Carol",
               "subject": "Printer on fire", "text": "It is on fire.\n",
               "visible_text": "It is on fire.\n"}
    return {
        "ticket": ticket, "message": message, "tag": "[Ticket #42]",
        "support_name": "Example Support", "support_address": "support@example.com",
        "staff_name": "Alice Doe", "status_change": "resolved",
        "recipient": "carol@customer.example", "actor": "Alice Doe",
        "errors": ["#status: 'finished' is not a status"], "tickets": [ticket],
        "forward_address": "support+fwd.0123456789abcdef0123@example.com",
        "omitted": ["scan.tiff (30.0 MB): larger than the limit of 25.0 MB"],
        "missing": [{"name": "serial", "label": "Serial number"}],
        "sla": {"rule": "Urgent repairs", "timer": "first response", "at": "75%",
                "due": "2026-01-02 12:00 CET"},
    }
