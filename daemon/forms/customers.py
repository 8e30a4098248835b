"""The customer directory: who a sender's company is, its area, its contract level.

From [[customers]] in config.toml and from a CSV file (`[forms]
customers_file`, a `sender` column then any others), read once at start-up
and on reload. A sender is looked up by address, then by domain (and the
domains above it), so `@acme.example` covers `ann@eu.acme.example`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path


class DirectoryError(ValueError):
    """A problem with the customer file, with its line."""


@dataclass(frozen=True)
class Customer:
    sender: str  # an address, or @domain
    values: dict[str, str]  # column -> value
    source: str  # "[[customers]] #2" or "customers.csv line 4"


@dataclass(frozen=True)
class CustomerDirectory:
    by_sender: dict[str, Customer] = field(default_factory=dict)
    columns: frozenset[str] = frozenset()

    def lookup(self, address: str | None) -> Customer | None:
        """The entry for an address: itself, then @its.domain, then the domains above."""
        if not address or not self.by_sender:
            return None
        address = address.lower()
        found = self.by_sender.get(address)
        if found:
            return found
        domain = address.rpartition("@")[2]
        while domain:
            found = self.by_sender.get("@" + domain)
            if found:
                return found
            domain = domain.partition(".")[2]
        return None


def load_directory(config) -> CustomerDirectory:
    """[[customers]] then the CSV file (a sender in both: the config wins)."""
    entries: dict[str, Customer] = {}
    columns: set[str] = set()
    if config.forms.customers_file:
        for c in read_csv(config.resolve(config.forms.customers_file)):
            entries.setdefault(c.sender, c)
            columns.update(c.values)
    for i, c in enumerate(config.customers):
        values = {k: v for k, v in (("company", c.company), ("area", c.area),
                                    ("contract", c.contract)) if v}
        values.update({k: str(v) for k, v in c.values.items() if str(v)})
        entries[c.sender.strip().lower()] = Customer(c.sender.strip().lower(), values,
                                                     f"[[customers]] #{i + 1}")
        columns.update(("company", "area", "contract", *c.values))
    return CustomerDirectory(entries, frozenset(columns))


def read_csv(path: Path) -> list[Customer]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if "sender" not in header:
                raise DirectoryError(f"{path}: the first line must name the columns, "
                                     "one of them `sender`")
            reader.fieldnames = header
            return [_row(path, reader.line_num, row) for row in reader if any(row.values())]
    except OSError as exc:
        raise DirectoryError(f"{path}: cannot read it: {exc.strerror}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DirectoryError(f"{path}: not a readable CSV file: {exc}") from None


def _row(path: Path, line: int, row: dict) -> Customer:
    sender = (row.pop("sender", "") or "").strip().lower()
    if not is_sender(sender):
        raise DirectoryError(f"{path.name} line {line}: sender {sender!r} is not an address "
                             "or @domain")
    values = {k: v.strip() for k, v in row.items() if k and isinstance(v, str) and v.strip()}
    return Customer(sender, values, f"{path.name} line {line}")


def is_sender(text: str) -> bool:
    """An address (x@y.z) or a domain (@y.z)."""
    local, at, domain = text.partition("@")
    return bool(at and "." in domain and " " not in text and "@" not in domain)
