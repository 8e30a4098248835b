"""Schema 4: open tickets per staff member, maintained, so least_open allocation reads two
small tables instead of counting a member's tickets on every new one."""

from __future__ import annotations

import peewee as pw

VERSION = 4
SUMMARY = "maintained open-ticket counts per staff member (least_open allocation)"


def up(step) -> None:
    db = step.tickets

    class Base(pw.Model):
        class Meta:
            database = db

    class StaffLoad(Base):
        email = pw.TextField(primary_key=True)
        open_count = pw.IntegerField(default=0)

        class Meta:
            table_name = "staffload"

    class StaffLoadChange(Base):
        email = pw.TextField(index=True)
        delta = pw.IntegerField()

        class Meta:
            table_name = "staffloadchange"

    with step.migrator(db).migration_context():
        db.create_tables([StaffLoad, StaffLoadChange], safe=True)
        db.execute_sql("DELETE FROM staffload")
        db.execute_sql("INSERT INTO staffload (email, open_count) SELECT assignee, COUNT(*) "
                       "FROM ticket WHERE assignee IS NOT NULL AND status IN "
                       "('new', 'open', 'pending') GROUP BY assignee")
