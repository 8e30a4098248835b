"""Deleting or moving handled mail never expunges what another client marked \\Deleted: with
UIDPLUS only our UIDs are expunged, with MOVE they are moved, and a server with neither keeps
ours flagged \\Deleted rather than sending a plain EXPUNGE that would take the others too."""

from __future__ import annotations

import pytest
from conftest import wait_for
from dovecot import DOVEADM, DOVECOT, Dovecot
from imapclient import DELETED, SEEN
from imapfix import dovecot_fixture, mails  # noqa: F401
from pollerfix import PollerRig

pytestmark = pytest.mark.dovecot

# Dovecot 2.3's capabilities after login, less UIDPLUS and MOVE: an older or plainer server
PLAIN_CAPABILITIES = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
                      "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND "
                      "URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE LIST-EXTENDED "
                      "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN "
                      "CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+")


@pytest.fixture
def plain_dovecot(tmp_path):
    if not DOVECOT or not DOVEADM:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    d = Dovecot(keep_log_in=tmp_path, extra_conf=f"imap_capability = {PLAIN_CAPABILITIES}\n")
    d.add_user("support", "support-pw")
    d.start()
    yield d
    d.cleanup()


def someone_marked_deleted(dovecot) -> None:
    """UID 1: read and marked \\Deleted by a person (their client expunges later, or they undo
    it); ticketd skips it as mail read before its first start."""
    dovecot.append("support", mails(1, "theirs"), flags=[SEEN, DELETED])


def run_until_handled(dovecot, tmp_path, after: str, handled) -> None:
    r = PollerRig(dovecot, tmp_path, after=after, skip_seen_on_first_start=True).start()
    try:
        wait_for(lambda: r.poller.last_success, what="the first drain")
        dovecot.append("support", mails(2, "ours"))
        wait_for(lambda: len(r.spool_keys()) == 2, what="our two stored")
        wait_for(lambda: handled(dovecot.flags("support")), what="our two handled")
    finally:
        r.stop()
    assert r.spool_keys() == ["ours-0@customer.example", "ours-1@customer.example"]


@pytest.mark.parametrize("after", ["delete", "move:Processed"])
def test_without_uidplus_nothing_is_expunged_and_ours_stay_flagged_deleted(
        plain_dovecot, tmp_path, after):
    with plain_dovecot.client("support") as c:
        assert not c.has_capability("UIDPLUS") and not c.has_capability("MOVE")
    someone_marked_deleted(plain_dovecot)
    run_until_handled(plain_dovecot, tmp_path, after, lambda flags: len(flags) == 3 and all(
        DELETED in flags[uid] for uid in (2, 3)))
    flags = plain_dovecot.flags("support")
    assert sorted(flags) == [1, 2, 3] and DELETED in flags[1]  # theirs is still there
    if after.startswith("move:"):
        assert plain_dovecot.count("support", "Processed") == 2


@pytest.mark.parametrize("after", ["delete", "move:Processed"])
def test_with_uidplus_or_move_only_our_messages_leave_the_folder(dovecot, tmp_path, after):
    someone_marked_deleted(dovecot)
    run_until_handled(dovecot, tmp_path, after, lambda flags: sorted(flags) == [1])
    assert DELETED in dovecot.flags("support")[1]
