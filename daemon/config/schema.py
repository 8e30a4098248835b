"""Every option of config.toml, declared once as a frozen dataclass field.

Each field carries its type, default and help; the loader (load.py) walks
this schema, so validation, error messages and docs/config.md cannot drift.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

# kept in daemon.states, for the readers that must not load this schema (`tickets list`)
from daemon.states import PRIORITIES, STATUSES  # noqa: F401
from daemon.store.locations import DEFAULT_DATABASE, absolute, spool_url_for

ASSIGN_STRATEGIES = ("manual", "round_robin", "least_open")
RULE_FIELDS = ("subject", "body", "text", "from", "to")  # and field.NAME for a form field
FIELD_TYPES = ("text", "number", "choice", "date", "email", "phone")
SLA_ACTIONS = ("remind", "escalate", "transfer", "reassign", "assign", "priority")
SLA_TIMERS = ("first_response", "resolution", "unassigned")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """All problems found in one config file, each as 'path: sentence'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def opt(default=dataclasses.MISSING, help: str = "", **kw):
    """A schema field: default plus the help text shown in docs and errors."""
    if isinstance(default, (list, dict)):
        value = default
        return field(default_factory=lambda: type(value)(value), metadata={"help": help}, **kw)
    return field(default=default, metadata={"help": help}, **kw)


@dataclass(frozen=True)
class DaemonConfig:
    database: str = opt(DEFAULT_DATABASE, "sqlite:///PATH or postgresql://user@host/db "
                        "(read by libpq, as `psql` reads it: `?sslmode=require` and other "
                        "parameters apply; a password is best in `~/.pgpass` or "
                        "`PGPASSWORD`)")
    spool: str = opt("", "where mail is spooled before it is answered: sqlite:///PATH or "
                         "postgresql://...; empty = beside the database (SQLite: "
                         "<name>-spool.db; PostgreSQL: the same database)")
    workers: int = opt(0, "worker processes that turn spooled mail into tickets; 0 = one per "
                          "CPU")
    templates: str = opt("", "folder of template overrides; empty = the shipped templates")
    log_level: str = opt("INFO", "DEBUG, INFO, WARNING or ERROR")
    log_format: str = opt("text", 'text, or "json": one JSON object a line, for log shippers')
    batch_size: int = opt(20, "spooled messages processed per transaction at most")
    lock_timeout_seconds: int = opt(30, "SQLite: wait this long for a lock, then answer 451")
    claim_seconds: int = opt(60, "a worker's lease on spooled mail it is processing")
    hang_seconds: int = opt(60, "a process silent this long while busy is killed and restarted")
    failing_seconds: int = opt(60, "`ticketd status` names a loop failing, or not seen, this long")
    restart_limit: int = opt(20, "process restarts within 10 minutes before ticketd itself "
                                 "exits (non-zero, for systemd to restart it)")


@dataclass(frozen=True)
class SmtpConfig:
    enabled: bool = opt(True, "run the inbound SMTP/LMTP listener")
    listen: str = opt("127.0.0.1:2525", "host:port to listen on")
    protocol: str = opt("smtp", "smtp or lmtp")
    hostname: str = opt("", "name announced in the greeting; empty = the host name")
    max_message_bytes: int = opt(26214400, "larger messages are refused with 552")
    recipients: list[str] = opt([], "accepted RCPT addresses or @domains; empty = any")
    max_sessions: int = opt(100, "SMTP sessions open at once; more are answered 421")
    max_sessions_per_client: int = opt(10, "sessions open at once from one client address")
    idle_timeout_seconds: int = opt(60, "a session silent this long is closed")


@dataclass(frozen=True)
class ImapConfig:
    name: str = opt(help="a short name for logs and the database")
    host: str = opt(help="server host name")
    username: str = opt(help="login name")
    port: int = opt(993, "993 for implicit TLS, 143 for STARTTLS or plain")
    tls: bool = opt(True, "implicit TLS")
    starttls: bool = opt(False, "upgrade a plain connection with STARTTLS")
    password_file: str = opt("", "file holding the password")
    password_env: str = opt("", "environment variable holding the password")
    oauth2_token_file: str = opt("", "file holding an OAuth2 access token (XOAUTH2)")
    oauth2_token_command: str = opt("", "command printing an OAuth2 access token")
    oauth2_refresh_token_file: str = opt(
        "", "file holding an OAuth2 refresh token: ticketd refreshes the access token itself "
            "(with oauth2_token_endpoint and oauth2_client_id) and writes a rotated refresh "
            "token back here")
    oauth2_token_endpoint: str = opt(
        "", "the provider's token URL (https), e.g. https://oauth2.googleapis.com/token or "
            "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token")
    oauth2_client_id: str = opt("", "the OAuth2 client (application) ID")
    oauth2_client_secret_file: str = opt("", "file holding the client secret; empty for a "
                                             "public client")
    oauth2_scope: str = opt("", "scope asked for on refresh; empty = the grant's (Microsoft "
                                "wants https://outlook.office.com/IMAP.AccessAsUser.All "
                                "offline_access)")
    folder: str = opt("INBOX", "folder to drain")
    queue: str = opt("", "default queue for mail from this mailbox")
    after: str = opt("seen", 'seen, delete or "move:<folder>"')
    poll_seconds: int = opt(60, "poll interval when IDLE is off or missing")
    idle: bool = opt(True, "use IDLE where the server offers it")
    idle_renew_seconds: int = opt(600, "re-issue IDLE this often (servers drop it at 29 min)")
    batch_size: int = opt(200, "messages fetched per round trip")
    skip_seen_on_first_start: bool = opt(False, "ignore mail already \\Seen on the first start")
    timeout_seconds: int = opt(60, "socket timeout")


@dataclass(frozen=True)
class OutboundConfig:
    from_: str = opt("Support <support@localhost>", "From of every mail we send")
    smtp: str = opt("", "relay host:port")
    directory: str = opt("", "write .eml files here instead of sending (local trials)")
    message_id_domain: str = opt("", "domain of our Message-IDs; empty = the From domain")
    retry_initial_seconds: int = opt(30, "first retry delay")
    retry_max_seconds: int = opt(3600, "longest retry delay")
    give_up_after_hours: int = opt(72, "then the mail is marked failed")
    claim_seconds: int = opt(120, "a worker's lease on a mail it is sending")
    timeout_seconds: int = opt(30, "relay socket timeout")


@dataclass(frozen=True)
class TicketsConfig:
    tag_prefix: str = opt("Ticket", "subject tag is [<prefix> #<id>]")
    default_queue: str = opt("general", "queue when no rule or address decides")
    unknown_sender: str = opt("new_ticket", "new_ticket or append: a stranger's follow-up")
    ack_limit_per_hour: int = opt(5, "acknowledgements per sender per hour")
    ack_domain_limit_per_hour: int = opt(0, "acknowledgements per sender domain per hour; 0 = off")
    close_resolved_after_days: int = opt(7, "resolved tickets close after this; 0 = never")
    reopen_closed_within_days: int = opt(0, "a reply within this many days of closing reopens "
                                            "the ticket; later, or always when 0, it opens a "
                                            "new ticket that follows the closed one")
    trust_reply_to: list[str] = opt(
        [], "From addresses or @domains (web forms) whose Reply-To names the real requester")
    status_requests_per_hour: int = opt(3, "answers to a 'status' mail per sender per hour")
    max_participants_per_mail: int = opt(10, "Cc'd addresses one mail adds to a ticket at most")
    max_participants_per_ticket: int = opt(30, "participants of one ticket at most")
    staff_notices_per_ticket_per_hour: int = opt(
        10, "new-ticket and follow-up notices to staff per ticket per hour (stops a loop of "
            "two autoresponders)")


@dataclass(frozen=True)
class LimitsConfig:
    max_attachment_bytes: int = opt(26214400, "larger attachments are left out, with a note "
                                     "on the ticket and a notice to the sender; 0 = no limit")
    max_message_attachment_bytes: int = opt(
        52428800, "attachments of one message beyond this total are left out; 0 = no limit")
    cpu_seconds_per_mail: int = opt(2, "a mail that takes longer to read is quarantined")
    worker_memory_mb: int = opt(1024, "address space of a worker process; a mail that needs "
                                      "more is quarantined; 0 = no limit")


@dataclass(frozen=True)
class RetentionConfig:
    raw_days: int = opt(90, "raw bytes of processed mail are kept this long (the tickets, "
                            "their texts and attachments stay); 0 = for ever")
    quarantine_days: int = opt(90, "quarantined mail is kept this long for a retry; 0 = for ever")


@dataclass(frozen=True)
class StatusConfig:
    relay_failures: int = opt(3, "`ticketd status` names the relay after this many failed "
                                 "attempts in a row")
    outbox_waiting_seconds: int = opt(900, "... or when a notice has waited this long to be "
                                           "sent")
    spool_waiting_seconds: int = opt(300, "... and the spool when mail has waited this long "
                                          "to be processed")


@dataclass(frozen=True)
class MetricsConfig:
    listen: str = opt("", "host:port of the Prometheus endpoint (/metrics), e.g. "
                          "127.0.0.1:9325; empty = off")


@dataclass(frozen=True)
class SecurityConfig:
    trust_authentication_results: str = opt(
        "", "authserv-id whose Authentication-Results vouch for staff senders; empty = off"
    )
    staff_reply_token: bool = opt(
        True, "staff commands and relays need the reply token that every notice to staff "
              "carries in its Reply-To (or a pass of trust_authentication_results); false "
              "with trust_authentication_results empty trusts the From line alone")
    secret_file: str = opt("ticketd.secret", "key of the reply tokens, created (0600) by "
                                             "`ticketd run`; keep it in the state directory; "
                                             "hosts sharing one database need the same file")


@dataclass(frozen=True)
class StaffConfig:
    email: str = opt(help="the staff member's address")
    name: str = opt("", "display name")


@dataclass(frozen=True)
class QueueConfig:
    name: str = opt(help="queue name")
    addresses: list[str] = opt([], "mail to these lands in this queue")
    members: list[str] = opt([], "staff addresses of the queue")
    assign: str = opt("manual", "manual, round_robin or least_open")
    lead: str = opt("", "the staff address circulation rules escalate to; empty = none")


@dataclass(frozen=True)
class RuleConfig:
    name: str = opt(help="shown in logs and explain")
    match: dict[str, object] = opt({}, "field -> keywords; all fields must match; a form "
                                       'field as "field.NAME"')
    set: dict[str, object] = opt({}, "queue, priority, tags, assignee, fields (name -> value)")
    stop: bool = opt(True, "stop at this rule when it matches")

    @property
    def matches(self) -> dict[str, object]:
        """`match`, with a dotted TOML key (field.area = [...], a nested table) flattened
        to "field.area" as the quoted spelling gives it."""
        out: dict[str, object] = {}
        for key, value in self.match.items():
            if key == "field" and isinstance(value, dict):
                out.update({f"field.{k}": v for k, v in value.items()})
            else:
                out[key] = value
        return out


@dataclass(frozen=True)
class FieldConfig:
    name: str = opt(help="the field's name: letters, digits and _ (rules say field.NAME)")
    label: str = opt("", "what people read, in notices and reports; empty = the name")
    type: str = opt("text", "text, number, choice, date, email or phone")
    choices: list[str] = opt([], "the allowed values of a choice field")
    required: bool = opt(False, "the acknowledgement asks for it while it is missing")
    queues: list[str] = opt([], "the queues whose tickets have it; empty = every queue")
    patterns: list[str] = opt([], "regular expressions over the subject and the visible body; "
                                  "the group (?P<value>...) (else the first group) is the "
                                  "value; none and no other source = 'Label: value' lines")
    headers: list[str] = opt([], "mail headers that carry it (web forms)")
    customer: str = opt("", "read it from the sender's customer entry: this column of "
                            "[[customers]] or [forms] customers_file")


@dataclass(frozen=True)
class CustomerConfig:
    sender: str = opt(help="an address, or @domain for everyone there")
    company: str = opt("", "company name")
    area: str = opt("", "area or region")
    contract: str = opt("", "contract level, e.g. gold")
    values: dict[str, str] = opt({}, "more columns, by name")


@dataclass(frozen=True)
class FormsConfig:
    customers_file: str = opt("", "CSV file of customers: a `sender` column (address or "
                                  "@domain), then columns such as company, area, contract")
    waiting_status: str = opt("pending", "a ticket missing a required field waits in this "
                                         "status until the customer sends it; \"\" = no wait")


@dataclass(frozen=True)
class CalendarConfig:
    timezone: str = opt("UTC", "the zone business hours are in (IANA name, e.g. Europe/Berlin)")
    workdays: list[str] = opt(["mon", "tue", "wed", "thu", "fri"], "working days")
    hours: list[str] = opt(["09:00-17:00"], "working hours of a working day, e.g. "
                                            '["08:00-12:00", "13:00-17:00"]')
    holidays: str = opt("", "country code whose public holidays are days off (the holidays "
                            "library, e.g. DE, US, GB); empty = none")
    subdivision: str = opt("", "state or province for regional holidays, e.g. BY")
    extra_holidays: list[str] = opt([], "more days off, YYYY-MM-DD")


@dataclass(frozen=True)
class SlaConfig:
    name: str = opt(help="shown in every event its actions leave")
    queues: list[str] = opt([], "queues it covers; empty = every queue")
    priorities: list[str] = opt([], "priorities it covers; empty = every priority")
    first_response: str = opt("", "target for the first staff reply, in business time: "
                                  "30m, 4h, 2d (a day = one working day's hours); empty = none")
    resolution: str = opt("", "target for resolving the ticket, in business time")
    actions: list[dict[str, object]] = opt(
        [], "what happens when: {at = \"75%\" (of the target) or \"2h\" (business time since "
            "it started), of = first_response|resolution|unassigned, do = remind|escalate|"
            "transfer|reassign|assign|priority, queue, to, priority}")


@dataclass(frozen=True)
class ReportsConfig:
    group_by_fields: list[str] = opt(["type", "area"], "form fields that `ticketd report` "
                                                       "breaks counts down by")


@dataclass(frozen=True)
class Config:
    path: Path
    daemon: DaemonConfig = opt(DaemonConfig())
    smtp: SmtpConfig = opt(SmtpConfig())
    outbound: OutboundConfig = opt(OutboundConfig())
    tickets: TicketsConfig = opt(TicketsConfig())
    security: SecurityConfig = opt(SecurityConfig())
    limits: LimitsConfig = opt(LimitsConfig())
    retention: RetentionConfig = opt(RetentionConfig())
    status: StatusConfig = opt(StatusConfig())
    metrics: MetricsConfig = opt(MetricsConfig())
    imap: list[ImapConfig] = opt([])
    staff: list[StaffConfig] = opt([])
    queues: list[QueueConfig] = opt([])
    rules: list[RuleConfig] = opt([])
    fields: list[FieldConfig] = opt([])
    customers: list[CustomerConfig] = opt([])
    forms: FormsConfig = opt(FormsConfig())
    calendar: CalendarConfig = opt(CalendarConfig())
    sla: list[SlaConfig] = opt([])
    reports: ReportsConfig = opt(ReportsConfig())

    def resolve(self, path: str) -> Path:
        """Paths in the config are relative to the config file's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.path.parent / p

    def queue(self, name: str) -> QueueConfig | None:
        return next((q for q in self.queues if q.name == name), None)

    def field(self, name: str) -> FieldConfig | None:
        return next((f for f in self.fields if f.name == name), None)

    def staff_member(self, email: str) -> StaffConfig | None:
        email = email.lower()
        return next((s for s in self.staff if s.email.lower() == email), None)

    @property
    def database_url(self) -> str:
        return self._absolute(self.daemon.database)

    @property
    def spool_url(self) -> str:
        """The spool store: as configured, else a file beside a SQLite database (so
        ticket work never locks it), else the same PostgreSQL database."""
        return spool_url_for(self.database_url, self._absolute(self.daemon.spool))

    def _absolute(self, url: str) -> str:
        return absolute(url, self.path.parent)


# Python names that TOML spells differently (from is a keyword).
TOML_NAMES = {"from_": "from"}
