"""Pure parts of the poller: the outage log, the backoff, cutting batches by size."""

from __future__ import annotations

import logging

from daemon.service.outage import Backoff, OutageLog


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_an_hour_of_failures_every_few_seconds_logs_seven_lines_not_a_thousand(caplog):
    clock = Clock()
    outage = OutageLog(logging.getLogger("t"), "imap support", clock=clock, still_every=600)
    caplog.set_level(logging.INFO, logger="t")
    for _ in range(1200):  # one failure every 3 s for an hour
        outage.failed("cannot reach imap.example.com:993: Connection refused", 3)
        clock.now += 3
    outage.recovered()
    outage.recovered()  # a second success says nothing more
    messages = caplog.messages
    assert messages[0].startswith("imap support: cannot reach imap.example.com:993")
    assert sum("still failing" in m for m in messages) == 5  # at 10, 20, ... 50 min
    assert messages[-1] == "imap support: recovered after 3600 s and 1200 failed attempts"
    assert len(messages) == 7


def test_backoff_doubles_up_to_its_cap_and_starts_over_after_success():
    b = Backoff(first=1, cap=60)
    delays = [b.next_delay() for _ in range(9)]
    assert [round(d) for d in delays][:3] == [1, 2, 4]
    assert all(0.9 * 60 <= d <= 60 for d in delays[6:])
    assert b.next_delay(cap=300) > 60  # login failures use a longer cap
    b.reset()
    assert b.next_delay() <= 1


def test_batches_are_cut_by_size_so_big_attachments_are_not_held_200_at_a_time():
    from daemon.intake.imap.poller import split_by_size

    mib = 1024 * 1024
    sizes = {1: 30 * mib, 2: 30 * mib, 3: 30 * mib, 4: 100 * mib, 5: 1, 6: 1}
    assert split_by_size([1, 2, 3, 4, 5, 6], sizes, 64 * mib) == [[1, 2], [3], [4], [5, 6]]
    assert split_by_size([7, 8], {}, 64 * mib) == [[7, 8]]
