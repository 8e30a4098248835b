"""A repair service's work-order setup (the worked example of docs/workorders.md), and an
in-process desk: the real decide/apply stages and the housekeeper on a real database of the
suite's backend, driven by a clock the test sets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from conftest import BACKEND, config_text, make_mail, new_pg_database

BERLIN = ZoneInfo("Europe/Berlin")

REPAIR = r'''
[forms]
waiting_status = "pending"

[calendar]
timezone = "Europe/Berlin"
workdays = ["mon", "tue", "wed", "thu", "fri"]
hours = ["09:00-17:00"]
holidays = "DE"

[[queues]]
name = "repairs"
addresses = ["repairs@example.com"]
members = ["alice@example.com", "bob@example.com"]
assign = "round_robin"
lead = "carol@example.com"

[[queues]]
name = "field-service"
addresses = ["field@example.com"]
members = ["carol@example.com"]
assign = "round_robin"
lead = "carol@example.com"

[[queues]]
name = "north"
members = ["alice@example.com", "bob@example.com"]
assign = "manual"
lead = "alice@example.com"

[[queues]]
name = "south"
members = ["bob@example.com"]
assign = "manual"
lead = "bob@example.com"

[[fields]]
name = "product"
type = "choice"
choices = ["printer", "scanner", "copier"]
queues = ["repairs", "field-service"]

[[fields]]
name = "serial"
label = "Serial number"
required = true
queues = ["repairs", "field-service"]
patterns = ['serial(?: number)?\s*(?:is|[:#])?\s*(?P<value>[A-Z0-9][A-Z0-9-]+)']

[[fields]]
name = "address"
label = "Site address"
queues = ["repairs", "field-service"]

[[fields]]
name = "area"
type = "choice"
choices = ["north", "south"]
headers = ["X-Form-Area"]
customer = "area"

[[fields]]
name = "contract"
customer = "contract"

[[fields]]
name = "type"
type = "choice"
choices = ["repair", "installation", "question"]

[[customers]]
sender = "@north-hospital.example"
company = "North Hospital"
area = "north"
contract = "gold"

[[customers]]
sender = "@south-school.example"
company = "South School"
area = "south"
contract = "basic"

[[rules]]
name = "North area"
match = { "field.area" = ["north"] }
set = { queue = "north" }

[[rules]]
name = "South area"
match = { field.area = ["south"] }
set = { queue = "south" }

[[rules]]
name = "Urgent repairs"
match = { subject = ["urgent"] }
set = { priority = "urgent" }

[[sla]]
name = "Urgent repairs"
queues = ["repairs"]
priorities = ["urgent"]
first_response = "4h"
resolution = "2d"
actions = [{ at = "75%", do = "remind" }, { at = "100%", do = "escalate" },
           { at = "150%", do = "transfer", queue = "field-service" }]

[[sla]]
name = "Dispatch within an hour"
queues = ["north", "south"]
actions = [{ of = "unassigned", at = "1h", do = "reassign" }]
'''


def repair_config(sink_port: int | None = None, directory: str | None = None) -> str:
    return config_text(sink_port, directory=directory, extra=REPAIR)


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


class DrivenClock:
    """The test's clock: it stands still until the test moves it."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **kw) -> None:
        self.at += timedelta(**kw)


def database_url(folder, name: str = "t.db") -> str:
    return new_pg_database() if BACKEND == "postgres" else f"sqlite:///{folder / name}"


class Desk:
    """The work-order desk in-process: mail in through decide and apply, time through the
    housekeeper, on a real database opened with create=True."""

    def __init__(self, folder, clock: DrivenClock, text: str | None = None):
        from daemon.config import load_config
        from daemon.notices.notify import Notifier
        from daemon.store.db import open_stores
        from daemon.tickets.housekeeping import Housekeeping
        from daemon.worker.apply import Applier
        from daemon.worker.decide import Decider

        url = database_url(folder)
        path = folder / "config.toml"
        path.write_text((text or repair_config(directory="outbox")).replace(
            'database = "sqlite:///ticketd.db"', f'database = "{url}"'))
        self.config = load_config(path)
        spool = url if url.startswith("postgres") else f"sqlite:///{folder / 's.db'}"
        self.stores = open_stores(url, spool, create=True)
        self.clock = clock
        self.decider = Decider(self.config, clock=clock)
        self.applier = Applier(self.config, Notifier(self.config), self.decider, clock)
        self.housekeeping = Housekeeping(self.config, self.stores, clock)

    def mail(self, msg: EmailMessage, to: str = "repairs@example.com") -> int:
        from daemon.store.db import write_transaction
        from daemon.store.spool import Envelope

        decision = self.decider.decide(msg.as_bytes(), Envelope("test", rcpt_to=(to,)))
        with write_transaction(self.stores.tickets):
            return self.applier.apply(decision, None).ticket_id

    def new_ticket(self, subject: str, to: str = "repairs@example.com", **kw) -> int:
        return self.mail(make_mail(to=to, subject=subject, **kw), to)

    def housekeep(self) -> None:
        self.housekeeping.run_once()

    def change(self, ticket_id: int, how) -> None:
        """A person's change through TicketActions, as the CLI makes it."""
        from daemon.store.db import write_transaction
        from daemon.store.models import Ticket

        with write_transaction(self.stores.tickets):
            how(self.housekeeping.actions, Ticket.get_by_id(ticket_id))

    def events(self, ticket_id: int) -> list[tuple[str, str, str | None]]:
        return [(e["actor"], e["action"], e["new"]) for e in self.ticket(ticket_id)["events"]]

    def ticket(self, ticket_id: int) -> dict:
        """As `tickets show --json` gives it."""
        from daemon.cli.ticket_reads import ticket_detail
        from daemon.store import reads

        return ticket_detail(reads.on(self.stores.tickets), ticket_id)

    def outbox(self) -> list[tuple[str, list[str]]]:
        from daemon.store.models import Outbox

        return [(o.kind, list(o.to_addrs)) for o in Outbox.select().order_by(Outbox.id)]

    def close(self) -> None:
        self.stores.close()
