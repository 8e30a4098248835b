"""Issue 12, admin papercut 20: template variables documented, from the sample, kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config import load_config
from daemon.notices.notify import message_context, ticket_context
from daemon.notices.render import (
    TEMPLATE_NAMES,
    Renderer,
    TemplateError,
    sample_context,
    variables_of,
)
from daemon.notices.variables import DESCRIPTIONS, flatten, reference
from daemon.store.models import Ticket

REPO = Path(__file__).resolve().parents[2]


def test_point_20_the_template_variables_doc_is_current():
    """docs/templates.md is generated; regenerate it when this fails:
    python -m daemon.notices.variables > docs/templates.md"""
    assert (REPO / "docs" / "templates.md").read_text() == reference() + "\n"


def test_point_20_every_variable_is_described_and_every_description_is_a_variable():
    variables = set(flatten(sample_context()))
    assert variables - set(DESCRIPTIONS) == set(), "describe these in variables.py"
    assert set(DESCRIPTIONS) - variables == set(), "no longer in the sample context"
    assert all(variables_of(t) is not None for t in TEMPLATE_NAMES)  # each one listed


def test_point_20_the_sample_is_what_real_notices_get(tmp_path):
    (tmp_path / "config.toml").write_text(
        '[outbound]\ndirectory = "outbox"\n[[queues]]\nname = "general"\n'
        '[[staff]]\nemail = "alice@example.com"\n')
    config = load_config(tmp_path / "config.toml")
    real = ticket_context(config, Ticket(id=7, subject="s", status="new", queue="general",
                                         requester="c@x.example", priority="normal"), [])
    sample = sample_context()
    assert set(real) == set(sample["ticket"])
    assert set(message_context("a", "b", "c", "d", "e")) == set(sample["message"])


def test_point_20_a_template_using_what_it_is_not_given_fails_the_check(tmp_path):
    (tmp_path / "ack.j2").write_text("Subject: {{ tag }} hi\n\n{{ errors }}\n")
    with pytest.raises(TemplateError, match="ack.j2.*errors"):
        Renderer(tmp_path).check_all(sample_context())
    (tmp_path / "ack.j2").write_text("Subject: {{ tag }} hi\n\n{{ missing }}\n")
    Renderer(tmp_path).check_all(sample_context())  # ack is given `missing`
