"""Config loading: every error names its key path in a plain sentence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.config import ConfigError, load_config
from daemon.store.locations import absolute, lock_path, spool_url_for

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text)
    return p


MINIMAL = """
[outbound]
from = "Support <support@example.com>"
directory = "outbox"
[[queues]]
name = "general"
"""


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    return err.value.problems


def test_the_shipped_config_loads_and_paths_resolve_next_to_it():
    config = load_config(REPO / "config.toml")
    assert config.database_url == "sqlite:///" + str(REPO / "ticketd.db")
    assert config.resolve(config.outbound.directory) == REPO / "outbox"
    assert [q.name for q in config.queues] == ["general", "billing"]


PARTS = st.sampled_from(["", ".", "..", "a", "b.db", ".db", "x.", "t.tar.gz", "~", "~root"])


@given(st.sampled_from(["", "/", "//", "///"]), st.lists(PARTS, min_size=1, max_size=5))
def test_store_paths_are_spelled_as_pathlib_spells_them(lead, parts):
    """The quick paths (ingest, tickets list and show) find the stores without pathlib: the
    URLs must read as the pathlib spelling the config always gave them."""
    path, folder = lead + "/".join(parts), Path("/srv/ticketd")

    def outcome(make):
        try:
            return make()
        except (ValueError, RuntimeError) as exc:
            return type(exc)

    def by_pathlib_absolute():
        p = Path(path).expanduser()
        return "sqlite:///" + str(p if p.is_absolute() else folder / p)

    def by_pathlib_spool():
        p = Path(path)
        return "sqlite:///" + str(p.with_name(f"{p.stem}-spool{p.suffix or '.db'}"))

    if path and not path.startswith("/"):
        assert outcome(lambda: absolute("sqlite:///" + path, folder)) == outcome(
            by_pathlib_absolute)
    assert outcome(lambda: spool_url_for("sqlite:///" + path)) == outcome(by_pathlib_spool)
    assert outcome(lambda: lock_path(path)) == outcome(
        lambda: str(Path(path).with_name(Path(path).name + ".lock")))


def test_minimal_config_gets_defaults(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.smtp.listen == "127.0.0.1:2525"
    assert config.tickets.tag_prefix == "Ticket"
    assert config.tickets.ack_limit_per_hour == 5


@pytest.mark.parametrize("extra, expected", [
    ('[[rules]]\nname = "r"\nmatch = { subject = ["x"] }\nset = { queue = "nowhere" }\n',
     "rules['r'].set.queue: queue 'nowhere' is not defined in [[queues]]"),
    ('[[rules]]\nname = "r"\nmatch = { colour = ["x"] }\n',
     "rules['r'].match.colour: unknown field"),
    ('[[rules]]\nname = "r"\nmatch = { subject = ["/[unclosed/"] }\n',
     "rules['r'].match.subject[0]: bad regular expression"),
    ('[[staff]]\nemail = "not an address"\n', "staff[0].email: 'not an address' is not an "
                                              "email address"),
    ('[smtp]\nmax_message_bytes = "big"\n', "smtp.max_message_bytes: must be a whole number"),
    ('[smtp]\nlisten = "nowhere"\n', "smtp.listen: 'nowhere' is not host:port"),
    ('[[imap]]\nname = "support"\nhost = "h"\nusername = "u"\n'
     'password_file = "/nonexistent/secret"\n',
     "imap['support'].password_file: cannot read /nonexistent/secret"),
    ('[tickets]\ndefault_queue = "missing"\n', "tickets.default_queue: queue 'missing'"),
])
def test_each_error_names_its_key(tmp_path, extra, expected):
    found = problems(tmp_path, MINIMAL + extra)
    assert any(expected in p for p in found), found


def test_all_errors_are_reported_at_once(tmp_path):
    found = problems(tmp_path, MINIMAL + '[smtp]\nmax_message_bytes = "x"\nbogus = 1\n')
    assert len(found) == 2


def test_not_toml_is_a_clear_error(tmp_path):
    found = problems(tmp_path, "this is = = not toml")
    assert "not valid TOML" in found[0]


def test_secrets_never_appear_in_errors(tmp_path, monkeypatch):
    secret = tmp_path / "imap.secret"
    secret.write_text("hunter2")
    text = MINIMAL + (f'[[imap]]\nname = "s"\nhost = "h"\nusername = "u"\n'
                      f'password_file = "{secret}"\nafter = "explode"\n')
    found = problems(tmp_path, text)
    assert any("after" in p for p in found)
    assert not any("hunter2" in p for p in found)


def test_the_config_reference_is_current():
    """docs/config.md is generated from the schema; regenerate it when this fails:
    python -m daemon.config.reference > docs/config.md"""
    from daemon.config.reference import reference

    assert (REPO / "docs" / "config.md").read_text() == reference() + "\n"


def test_the_staff_commands_in_the_docs_are_the_registry():
    """docs/staff.md embeds the command table of daemon/tickets/commands.py; paste the
    output of `python -m daemon.tickets.commands` there when this fails."""
    from daemon.tickets.commands import reference

    assert reference() in (REPO / "docs" / "staff.md").read_text()


def test_every_config_section_is_in_the_reference():
    import dataclasses

    from daemon.config.reference import SECTIONS
    from daemon.config.schema import Config

    documented = {attr for attr, _, _ in SECTIONS}
    sections = {f.name for f in dataclasses.fields(Config)} - {"path"}  # where it was read
    assert sections - documented == set()


def test_a_postgresql_url_is_read_as_libpq_reads_it(tmp_path):
    """Escapes decoded and parameters kept: ?sslmode=require reaches the driver (a URL
    parser of our own dropped them), and our lock timeout joins the URL's options."""
    from daemon.store.locations import pg_params

    params = pg_params("postgresql://ops:p%40ss@db.example:5433/tickets?sslmode=require"
                       "&options=-c%20statement_timeout%3D5000", 7)
    assert params["user"] == "ops" and params["password"] == "p@ss"
    assert params["host"] == "db.example" and params["port"] == "5433"
    assert params["database"] == "tickets" and params["sslmode"] == "require"
    assert params["options"] == "-c statement_timeout=5000 -c lock_timeout=7000"
    assert pg_params("postgresql://127.0.0.1", 1)["database"] == "postgres"


def test_a_postgresql_database_without_its_driver_is_named_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg2", None)  # as if not installed
    found = problems(tmp_path, MINIMAL + '[daemon]\ndatabase = "postgresql://127.0.0.1/x"\n')
    assert found == ["daemon.database: PostgreSQL needs the psycopg2 driver, which is not "
                     "installed: pip install 'ticketd[postgres]'"]
