"""Issue 11, points 1 and 2 end to end: a repair queue's form fields read from mail, asked
for when missing, filled by the customer's reply, set by staff (#set) and the CLI, found
with --field; and rules on field.area routing two areas to two queues, with explain
naming the field and where its value came from."""

from __future__ import annotations

import json

from conftest import make_mail, wait_for
from repair import repair_config
from staffmail import body, gmail_reply


def field_events(ticket: dict) -> list[tuple[str, str | None, str | None]]:
    return [(e["action"], e["old"], e["new"]) for e in ticket["events"]
            if e["action"].startswith("field ")]


def test_point1_repair_queue_fields_read_asked_for_filled_set_and_found(daemon_factory, sink):
    d = daemon_factory(repair_config(sink.port))
    d.send(make_mail(to="repairs@example.com", subject="Printer prints stripes",
                     body="Product: Printer\nSerial: A-1234\n"
                          "Site address: 1 Main Street, Springfield\n"))
    full = wait_for(lambda: d.tickets("--field", "serial=A-1234"), what="the ticket")[0]
    assert full["fields"] == {"product": "printer", "serial": "A-1234",
                              "address": "1 Main Street, Springfield"}
    assert full["status"] == "new"

    d.send(make_mail(frm="Erin <erin@customer.example>", to="repairs@example.com",
                     subject="Scanner dead", body="Product: scanner. It does nothing.\n"))
    ack = wait_for(lambda: sink.to("erin@customer.example"), what="the acknowledgement")[0]
    assert "Serial number" in body(ack) and "still need" in body(ack)
    waiting = [t for t in d.tickets() if t["subject"] == "Scanner dead"][0]
    assert (waiting["status"], waiting["fields"]) == ("pending", {"product": "scanner"})

    reply = make_mail(frm="Erin <erin@customer.example>", to="support@example.com",
                      subject=f"Re: {ack['Subject']}", body="Hello,\nthe Serial is B-777 "
                      "as far as I can see.\n", headers={"In-Reply-To": ack["Message-ID"]})
    d.send(reply)
    filled = wait_for(lambda: (t := d.ticket(waiting["id"]))["fields"].get("serial") and t,
                      what="the serial filled in by the reply")
    assert filled["fields"]["serial"] == "B-777" and filled["status"] == "open"
    assert ("field serial", None, "B-777") in field_events(filled)
    assert filled["field_sources"]["serial"].startswith("body: ")

    notice = wait_for(lambda: [m for m in sink.to("alice@example.com") + sink.to(
        "bob@example.com") if "Scanner dead" in m["Subject"]], what="a staff notice")[0]
    d.send(gmail_reply(notice, "#set serial B-778\n\nChecked on site.",
                       frm=f"Staff <{notice['To']}>"))
    wait_for(lambda: d.ticket(waiting["id"])["fields"]["serial"] == "B-778",
             what="#set applied")
    d.cli("tickets", "set", str(waiting["id"]), "serial", "B-779", "--as", "bob@example.com")
    events = field_events(d.ticket(waiting["id"]))
    assert events[-2:] == [("field serial", "B-777", "B-778"), ("field serial", "B-778", "B-779")]
    assert [t["id"] for t in d.tickets("--field", "serial=B-779")] == [waiting["id"]]
    assert d.tickets("--field", "serial=B-777") == []
    refused = d.cli("tickets", "set", str(waiting["id"]), "product", "toaster", check=False)
    assert refused.returncode == 2 and "printer, scanner, copier" in refused.stderr.decode()


def test_point2_field_area_routes_two_areas_to_two_queues_and_explain_says_why(
        daemon_factory, sink, tmp_path):
    d = daemon_factory(repair_config(sink.port))
    north = make_mail(frm="Nurse <nurse@north-hospital.example>", subject="Heating broken")
    south = make_mail(frm="Janitor <janitor@south-school.example>", subject="Door stuck")
    form = make_mail(frm="forms@web.example", subject="Web form: lamp",
                     headers={"X-Form-Area": "South"})
    for m in (north, south, form):
        d.send(m)
    tickets = wait_for(lambda: len(t := d.tickets()) == 3 and t, what="3 tickets")
    by_subject = {t["subject"]: t for t in tickets}
    assert by_subject["Heating broken"]["queue"] == "north"
    assert by_subject["Heating broken"]["fields"] == {"area": "north", "contract": "gold"}
    assert by_subject["Door stuck"]["queue"] == "south"
    assert by_subject["Web form: lamp"]["queue"] == "south"

    eml = tmp_path / "north.eml"
    eml.write_bytes(north.as_bytes())
    info = json.loads(d.cli("explain", str(eml), "--json").stdout)
    assert info["route"]["queue"] == "north"
    (because,) = info["route"]["rules"][0]["because"]
    assert because.startswith("field.area has 'north' (value 'north' from customer "
                              "directory ([[customers]] #1, @north-hospital.example))")
    assert {"name": "area", "value": "north", "stored": True,
            "source": "customer directory ([[customers]] #1, @north-hospital.example)"} \
        in info["fields"]
    eml.write_bytes(form.as_bytes())
    text = d.cli("explain", str(eml)).stdout.decode()
    assert "field.area has 'south' (value 'south' from header x-form-area)" in text
