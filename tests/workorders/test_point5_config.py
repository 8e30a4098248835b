"""Issue 11, point 5 (config side): the work-order sections are checked by check-config,
every error with its location; and the pure parts under them (business time, values by
type, reading fields) on their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from repair import REPAIR, berlin

from daemon.circulation.calendar import BusinessCalendar, holiday_dates, parse_duration
from daemon.config import ConfigError, config_from_dict, load_config
from daemon.forms.customers import CustomerDirectory, load_directory
from daemon.forms.extract import read_fields
from daemon.forms.spec import compile_field, normalise

BASE = """
[outbound]
from = "Support <support@example.com>"
directory = "outbox"
[[staff]]
email = "alice@example.com"
[[queues]]
name = "general"
[[queues]]
name = "repairs"
members = ["alice@example.com"]
"""


def problems(tmp_path, extra: str) -> list[str]:
    p = tmp_path / "config.toml"
    p.write_text(BASE + extra)
    with pytest.raises(ConfigError) as err:
        load_config(p)
    return err.value.problems


@pytest.mark.parametrize("extra, expected", [
    ('[[rules]]\nname = "r"\nmatch = { "field.colour" = ["red"] }\n',
     "rules['r'].match.field.colour: no [[fields]] entry is named 'colour'"),
    ('[[rules]]\nname = "r"\nmatch = { field.colour = ["red"] }\n',
     "rules['r'].match.field.colour: no [[fields]] entry is named 'colour'"),
    ('[[fields]]\nname = "serial"\npatterns = ["serial: (?P<value>[A-Z"]\n',
     "fields['serial'].patterns[0]: bad regular expression"),
    ('[[fields]]\nname = "serial"\nqueues = ["repair"]\n',
     "fields['serial'].queues[0]: queue 'repair' is not defined in [[queues]]"),
    ('[[fields]]\nname = "kind"\ntype = "choice"\n', "fields['kind'].choices: a choice field"),
    ('[[fields]]\nname = "Serial No"\n', "fields['Serial No'].name: 'Serial No': use lower-case"),
    ('[[fields]]\nname = "area"\ncustomer = "region"\n',
     "fields['area'].customer: no customer column 'region'"),
    ('[[fields]]\nname = "kind"\ntype = "choice"\nchoices = ["a"]\n[[rules]]\nname = "r"\n'
     'match = { subject = ["x"] }\nset = { fields = { kind = "b" } }\n',
     "rules['r'].set.fields.kind: kind must be one of a"),
    ('[[queues]]\nname = "x"\nlead = "boss@example.com"\n',
     "queues['x'].lead: 'boss@example.com' is not listed in [[staff]]"),
    ('[[sla]]\nname = "s"\nqueues = ["repair"]\nfirst_response = "4h"\n',
     "sla['s'].queues[0]: queue 'repair' is not defined in [[queues]]"),
    ('[[sla]]\nname = "s"\nfirst_response = "four hours"\n',
     "sla['s'].first_response: 'four hours' is not a duration"),
    ('[[sla]]\nname = "s"\nqueues = ["repairs"]\nfirst_response = "4h"\n'
     'actions = [{ at = "100%", do = "escalate" }]\n',
     "sla['s'].actions[0]: escalate needs a lead in every queue the rule covers; repairs"),
    ('[[sla]]\nname = "s"\nfirst_response = "4h"\n'
     'actions = [{ at = "150%", do = "transfer", queue = "nowhere" }]\n',
     "sla['s'].actions[0].queue: transfer needs a queue defined in [[queues]]"),
    ('[[sla]]\nname = "s"\nresolution = "2d"\nactions = [{ at = "50%", of = "unassigned", '
     'do = "reassign" }]\n', "sla['s'].actions[0].at: '50%' is a share of the unassigned"),
    ('[calendar]\ntimezone = "Mars/Olympus"\n', "calendar: 'Mars/Olympus' is not a time zone"),
    ('[calendar]\nholidays = "XX"\n', "calendar: 'XX' is not a country"),
    ('[calendar]\nhours = ["17:00-09:00"]\n', "calendar: '17:00-09:00': the end must come"),
    ('[forms]\ncustomers_file = "missing.csv"\n', "forms.customers_file: "),
    ('[forms]\nwaiting_status = "resolved"\n', "forms.waiting_status: must be new, open"),
])
def test_point5_errors_name_their_location(tmp_path, extra, expected):
    found = problems(tmp_path, extra)
    assert any(expected in p for p in found), found


def test_point5_the_repair_example_is_valid_and_check_config_says_so(tmp_path):
    from conftest import config_text

    p = tmp_path / "config.toml"
    p.write_text(config_text(directory="outbox", extra=REPAIR))
    config = load_config(p)
    assert [f.name for f in config.fields] == ["product", "serial", "address", "area",
                                               "contract", "type"]
    assert config.rules[-2].matches == {"field.area": ["south"]}  # the dotted TOML key


def test_a_customer_csv_file_is_read_and_its_bad_lines_named(tmp_path):
    csv = tmp_path / "customers.csv"
    csv.write_text("sender,company,area,contract\n@acme.example,ACME,north,gold\n"
                   "ann@other.example,Other,south,basic\n")
    text = BASE + '[forms]\ncustomers_file = "customers.csv"\n[[fields]]\nname = "area"\n' \
                  'customer = "area"\n'
    config = config_from_dict(__import__("tomllib").loads(text), tmp_path / "config.toml")
    directory = load_directory(config)
    assert directory.lookup("bob@eu.acme.example").values["area"] == "north"
    assert directory.lookup("ann@other.example").source == "customers.csv line 3"
    csv.write_text("sender,area\nnot-an-address,north\n")
    found = problems(tmp_path, '[forms]\ncustomers_file = "customers.csv"\n')
    assert any("customers.csv line 2: sender 'not-an-address'" in p for p in found), found


def test_business_time_skips_nights_weekends_and_holidays():
    cal = BusinessCalendar("Europe/Berlin", hours=["08:00-12:00", "13:00-17:00"],
                           holidays=holiday_dates("DE", "BY"))
    assert cal.day_seconds == 8 * 3600
    friday_1600 = berlin(2026, 1, 2, 16, 0)  # Tuesday 6th is Epiphany in Bavaria
    assert cal.add(friday_1600, 12 * 3600) == berlin(2026, 1, 7, 11, 0)
    assert cal.between(friday_1600, berlin(2026, 1, 7, 11, 0)) == 12 * 3600
    assert cal.add(berlin(2026, 1, 7, 11, 30), 3600) == berlin(2026, 1, 7, 13, 30)  # lunch
    summer = BusinessCalendar("Europe/Berlin")  # 09-17; clocks go forward on 29 March
    assert summer.add(berlin(2026, 3, 27, 16, 0), 2 * 3600) == berlin(2026, 3, 30, 10, 0)
    assert parse_duration("1d 4h").total(cal.day_seconds) == 12 * 3600


@pytest.mark.parametrize("type_, raw, value", [
    ("number", "1,5", "1.5"), ("date", "24.12.2026", "2026-12-24"),
    ("date", "2026-12-24", "2026-12-24"), ("email", "<Ann@X.Example>", "ann@x.example"),
    ("phone", "+49 (30) 123-4567", "+49301234567"), ("phone", "call me", None),
    ("text", "  A-1234.  ", "A-1234"),
])
def test_values_are_stored_in_one_spelling_per_type(type_, raw, value):
    from daemon.config import FieldConfig

    assert normalise(compile_field(FieldConfig(name="f", type=type_)), raw) == value


def test_reading_fields_header_beats_pattern_beats_directory():
    from daemon.config import CustomerConfig, FieldConfig

    spec = compile_field(FieldConfig(name="area", type="choice", choices=["north", "south"],
                                     headers=["X-Area"], customer="area",
                                     patterns=[r"area:\s*(?P<value>\w+)"]))
    directory = CustomerDirectory({"@n.example": __import__(
        "daemon.forms.customers", fromlist=["Customer"]).Customer(
        "@n.example", {"area": "north"}, "[[customers]] #1")})
    args = ((spec,), "Lamp", "Area: south\n")
    (r,) = read_fields(*args, {"x-area": "=?utf-8?q?North?="}, "a@n.example", directory)
    assert (r.value, r.source) == ("north", "header x-area")
    (r,) = read_fields(*args, {}, "a@n.example", directory)
    assert (r.value, r.source) == ("south", "body: 'Area: south'")
    (r,) = read_fields((spec,), "Lamp", "", {}, "a@n.example", directory)
    assert r.source == "customer directory ([[customers]] #1, @n.example)"
    assert CustomerConfig(sender="@n.example").area == ""
    assert datetime(2026, 1, 1, tzinfo=UTC)  # the module's clock-free functions need no now


def test_point5_the_worked_example_in_the_docs_is_a_valid_config(tmp_path):
    """docs/workorders.md's repair service, pasted after the tests' base config, passes the
    checks of check-config as written."""
    from conftest import REPO, config_text

    doc = (REPO / "docs" / "workorders.md").read_text()
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    p = tmp_path / "config.toml"
    p.write_text(config_text(directory="outbox", extra=example))
    config = load_config(p)
    assert [r.name for r in config.sla] == ["Urgent repairs", "Dispatch within an hour"]
    assert config.queue("repairs").lead == "carol@example.com"
