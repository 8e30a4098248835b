"""Progress of a long command: a bar on a terminal (tqdm), a line per tenth in a log."""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("ticketd.import")


class TerminalProgress:
    def __init__(self, label: str):
        self.label, self.bar = label, None

    def start(self, total: int, done: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, initial=done, desc=self.label, unit="msg",
                        file=sys.stderr, ncols=min(terminal_width(), 120))

    def advance(self, n: int, tally) -> None:
        self.bar.set_postfix_str(tally.short(), refresh=False)
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class LogProgress:
    """Not a terminal (cron, a pipe, systemd-run): a log line at each tenth, not a bar."""

    def __init__(self, label: str):
        self.label, self.total, self.done, self.next_tenth = label, 0, 0, 1

    def start(self, total: int, done: int) -> None:
        self.total, self.done = total, done
        self.next_tenth = done * 10 // max(total, 1) + 1
        log.info("%s: %d message(s), %d already imported", self.label, total, done)

    def advance(self, n: int, tally) -> None:
        self.done += n
        if self.done * 10 >= self.next_tenth * self.total:
            self.next_tenth = self.done * 10 // max(self.total, 1) + 1
            log.info("%s: %d/%d (%d%%) %s", self.label, self.done, self.total,
                     100 * self.done // max(self.total, 1), tally.short())

    def close(self) -> None:
        pass


def terminal_width() -> int:
    """Columns of the terminal on stderr; 0 when it is none or says it has no size (tqdm
    then draws nothing, so a log line per tenth is shown instead)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns if sys.stderr.isatty() else 0
    except (OSError, ValueError):
        return 0
