"""Composition root: what one loaded config makes, wired by hand, for every command.

`ticketd run` is in supervisor.py (and its children in child.py); the other
commands open the stores and build what they need here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.store.db import Stores, open_stores
from daemon.tickets.actions import TicketActions

if TYPE_CHECKING:
    from daemon.notices.render import Renderer


def make_renderer(config: Config) -> Renderer:
    """The templates, each checked against a sample ticket (a typo stops a start or reload,
    not a notice). Imported late: the CLI's quick commands need no Jinja2."""
    from daemon.notices.render import Renderer, sample_context

    override = config.resolve(config.daemon.templates) if config.daemon.templates else None
    renderer = Renderer(override)
    renderer.check_all(sample_context())
    return renderer


def stores_of(config: Config) -> Stores:
    return open_stores(config.database_url, config.spool_url,
                       config.daemon.lock_timeout_seconds)


def ticket_actions(config: Config) -> TicketActions:
    return TicketActions(config, Notifier(config))
