"""Issue 11, point 3: circulation rules in business hours, with a clock the test drives.

The real decide/apply stages and the housekeeper run in-process against a real database
(SQLite, or PostgreSQL with TICKETD_TEST_BACKEND=postgres); the housekeeper and every
change take their time from the DrivenClock passed in at construction, as the daemon's
take it from the system clock.
"""

from __future__ import annotations

import pytest
from repair import Desk, DrivenClock, berlin

# Thursday 2 April 2026, 16:00 in Berlin. Good Friday (3rd) and Easter Monday (6th) are
# public holidays in Germany, with the weekend between: a 4-hour first-response target
# has 1 hour left on Thursday and 3 on Tuesday 7th, so it is due at 12:00 that day.
THURSDAY_1600 = berlin(2026, 4, 2, 16, 0)


@pytest.fixture
def desk(tmp_path):
    d = Desk(tmp_path, DrivenClock(THURSDAY_1600))
    yield d
    d.close()


def sla_events(desk, ticket_id):
    return [e for e in desk.events(ticket_id) if e[0].startswith("sla: ")]


def test_point3_urgent_ticket_reminded_escalated_transferred_across_holidays(desk):
    tid = desk.new_ticket("URGENT: printer jammed", body="Serial: A-1234\n")
    due = desk.ticket(tid)["due"]
    assert due["rule"] == "Urgent repairs"
    assert due["first_response"] == berlin(2026, 4, 7, 12, 0).isoformat()
    # resolution 2d = two working days of 8 h: 1 h Thursday, Tue 8 h, Wed 7 h -> Wed 16:00
    assert due["resolution"] == berlin(2026, 4, 8, 16, 0).isoformat()
    assignee = desk.ticket(tid)["assignee"]

    for day, hour in ((3, 12), (4, 12), (6, 16), (7, 10)):  # holiday, weekend, holiday, early
        desk.clock.set(berlin(2026, 4, day, hour, 0))
        desk.housekeep()
    assert sla_events(desk, tid) == []

    desk.clock.set(berlin(2026, 4, 7, 11, 0))  # 75% of 4 h: 3 business hours
    desk.housekeep()
    desk.housekeep()  # once only
    assert sla_events(desk, tid) == [("sla: Urgent repairs", "sla remind",
                                      "75% of first_response")]
    assert desk.outbox()[-1] == ("sla_reminder", [assignee])

    desk.clock.set(berlin(2026, 4, 7, 12, 0))
    desk.housekeep()
    assert sla_events(desk, tid)[-1] == ("sla: Urgent repairs", "sla escalate",
                                         "100% of first_response")
    assert desk.outbox()[-1] == ("sla_escalated", ["carol@example.com"])

    desk.clock.set(berlin(2026, 4, 7, 15, 0))  # 150%: 6 business hours
    desk.housekeep()
    events = sla_events(desk, tid)
    assert ("sla: Urgent repairs", "sla transfer", "150% of first_response") in events
    assert ("sla: Urgent repairs", "queue", "field-service") in events
    ticket = desk.ticket(tid)
    assert (ticket["queue"], ticket["assignee"]) == ("field-service", "carol@example.com")
    assert "due" not in ticket  # no rule covers field-service: no clock shown
    at = [e for e in ticket["events"] if e["action"] == "sla transfer"][0]["at"]
    assert at == berlin(2026, 4, 7, 15, 0).isoformat()  # the driven clock's time


def test_point3_a_staff_reply_stops_the_first_response_timer(desk):
    tid = desk.new_ticket("URGENT: scanner", body="Serial: S-1\n")
    desk.clock.set(berlin(2026, 4, 7, 10, 0))
    desk.change(tid, lambda actions, t: actions.responded(t))
    desk.clock.set(berlin(2026, 4, 7, 16, 0))
    desk.housekeep()
    assert sla_events(desk, tid) == []
    assert desk.ticket(tid)["first_response_at"] == berlin(2026, 4, 7, 10, 0).isoformat()


def test_point3_a_pending_ticket_clock_pauses(desk):
    tid = desk.new_ticket("URGENT: copier", body="Serial: C-9\n")
    desk.clock.set(berlin(2026, 4, 7, 10, 0))  # 2 business hours used (Thu 1 h, Tue 1 h)
    desk.change(tid, lambda actions, t: actions.set_status(t, "pending", "alice@example.com"))
    assert desk.ticket(tid)["due"]["paused"] is True

    desk.clock.set(berlin(2026, 4, 8, 16, 0))  # a day and a half later, still pending
    desk.housekeep()
    assert sla_events(desk, tid) == []

    desk.clock.set(berlin(2026, 4, 9, 9, 0))  # the customer answers: the clock runs again
    desk.change(tid, lambda actions, t: actions.set_status(t, "open", "dana@customer.example"))
    due = desk.ticket(tid)["due"]
    assert due["paused"] is False
    # 2 h were used; the other 2 h run from Thursday 9th 09:00
    assert due["first_response"] == berlin(2026, 4, 9, 11, 0).isoformat()
    desk.clock.set(berlin(2026, 4, 9, 10, 0))  # 75% = 3 h of the target
    desk.housekeep()
    assert [e[1] for e in sla_events(desk, tid)] == ["sla remind"]


def test_point3_an_unallocated_ticket_is_assigned_after_its_limit(desk):
    tid = desk.new_ticket("Heating broken", frm="Nurse <nurse@north-hospital.example>")
    ticket = desk.ticket(tid)
    assert (ticket["queue"], ticket["assignee"]) == ("north", None)  # a manual queue

    desk.clock.set(berlin(2026, 4, 2, 16, 59))
    desk.housekeep()
    assert desk.ticket(tid)["assignee"] is None
    desk.clock.set(berlin(2026, 4, 7, 9, 0))  # 1 business hour: Thu 16-17
    desk.housekeep()
    ticket = desk.ticket(tid)
    assert ticket["assignee"] in ("alice@example.com", "bob@example.com")
    assert ("sla: Dispatch within an hour", "sla reassign", "1h unassigned") in \
        sla_events(desk, tid)
    assert ("sla: Dispatch within an hour", "assignee", ticket["assignee"]) in \
        sla_events(desk, tid)


def test_the_housekeeper_reads_only_the_tickets_whose_moment_has_come(desk):
    from daemon.store.sla import due_ticket_ids

    urgent = desk.new_ticket("URGENT: one", body="Serial: A-1\n")
    desk.new_ticket("Routine check", body="Serial: A-2\n")  # no rule covers it: no clock
    assert due_ticket_ids(berlin(2026, 4, 7, 10, 59), 100) == []
    assert due_ticket_ids(berlin(2026, 4, 7, 11, 0), 100) == [urgent]
