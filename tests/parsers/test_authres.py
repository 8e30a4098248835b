"""Only our MTA's Authentication-Results vouch for a staff From (RFC 8601)."""

from __future__ import annotations

import pytest

from parsers.authres import aligned, dmarc_failure, verify_sender

MX = "mx.example.com"


@pytest.mark.parametrize("header", [
    "mx.example.com; dmarc=pass (p=reject) header.from=example.com",
    "mx.example.com; spf=fail smtp.mailfrom=x@y; dkim=pass header.d=example.com",
    "mx.example.com; dkim=pass header.d=mail.example.com header.s=s1",
    "MX.Example.COM;\r\n\tdkim=pass (2048-bit key) header.d=example.com;\r\n\tdmarc=none",
])
def test_pass(header):
    assert verify_sender((header,), MX, "alice@example.com").passed


@pytest.mark.parametrize("header", [
    "mx.example.com; dmarc=fail header.from=example.com",
    "mx.example.com; dkim=pass header.d=evil.example",  # not aligned
    "mx.example.com; spf=pass smtp.mailfrom=alice@example.com",  # SPF alone is not enough
    "mx.example.com; dkim=pass header.d=com",
    "mx.example.com; none",
    "not a header at all ;;; ===",
])
def test_no_pass(header):
    assert not verify_sender((header,), MX, "alice@example.com").passed


def test_headers_from_other_servers_are_ignored():
    forged = "evil.example; dmarc=pass header.from=example.com"
    verdict = verify_sender((forged,), MX, "alice@example.com")
    assert not verdict.passed
    assert "no Authentication-Results from mx.example.com" in verdict.reason


def test_only_the_topmost_header_of_our_server_counts():
    ours = "mx.example.com; dmarc=fail header.from=example.com"
    planted_below = "mx.example.com; dmarc=pass header.from=example.com"
    assert not verify_sender((ours, planted_below), MX, "alice@example.com").passed


def test_dmarc_for_another_domain_does_not_count():
    header = "mx.example.com; dmarc=pass header.from=other.example"
    assert not verify_sender((header,), MX, "alice@example.com").passed


def test_alignment():
    assert aligned("example.com", "example.com")
    assert aligned("example.com", "eu.example.com")
    assert aligned("mail.example.com", "example.com")
    assert not aligned("badexample.com", "example.com")
    assert not aligned("", "example.com")


def test_dmarc_failure_is_reported_only_by_the_trusted_server_for_the_from_domain():
    fail = f"{MX}; dmarc=fail (p=reject) header.from=customer.example"
    assert "dmarc=fail" in dmarc_failure((fail,), MX, "dana@customer.example")
    assert dmarc_failure((fail,), "other.example", "dana@customer.example") is None
    assert dmarc_failure((fail,), MX, "dana@elsewhere.example") is None
    assert dmarc_failure((f"{MX}; dmarc=pass header.from=customer.example",), MX,
                         "dana@customer.example") is None
    assert dmarc_failure((fail,), "", "dana@customer.example") is None  # setting off
