"""The one rule for which Message-ID search hits may go (mail/expunge.py `may_go`), used by the
retention purge and a thread's deletion; the IMAP side is in test_retention_mailbox.py and
test_delete.py on pymap and Dovecot."""

from __future__ import annotations

from helpline_core.mail.expunge import Going, Kept, Staying, Verdict, may_go

ID = "<reused@mailer.example>"
VALIDITY = 7


def verdict(hits: set[int], going: list[Going], kept: list[Kept], sender: str | None) -> Verdict:
    staying = Staying(tuple(kept), frozenset({(VALIDITY, 90)}))  # quarantined mail at UID 90
    return may_go(
        hits, message_id=ID, sender=sender, going=going, staying=staying, validity=VALIDITY
    )


def test_placed_kept_and_quarantined_mail_never_goes() -> None:
    kept = [Kept(ID, "bert@v.example", uidvalidity=VALIDITY, uid=2)]
    result = verdict({1, 2, 90}, [Going(ID, "anna@v.example")], kept, None)
    assert result == Verdict(frozenset({1}))


def test_unplaced_kept_mail_of_another_sender_is_not_among_the_hits() -> None:
    kept = [Kept(ID, "bert@v.example", from_name="Bert")]
    assert verdict({1}, [Going(ID, "anna@v.example")], kept, "anna@v.example").go == {1}


def test_unplaced_kept_mail_the_search_may_have_found_keeps_every_hit() -> None:
    going = [Going(ID, "anna@v.example"), Going(ID, "anna@v.example", VALIDITY, 3)]
    for kept in (
        Kept(ID, "anna@v.example"),  # the same sender
        Kept(ID, "hanna@v.example"),  # FROM matches a substring
        Kept(ID, "x@v.example", from_name="anna@v.example"),  # ... of the name too
        Kept(ID, None),  # no sender stored: cannot say
        Kept(ID, "anna@v.example", uidvalidity=VALIDITY - 1, uid=1),  # folder rebuilt
    ):
        # The placed message still goes; the unplaced one is left for a person.
        assert verdict({1, 3}, going, [kept], "anna@v.example") == Verdict(frozenset({3}), 1)


def test_without_a_sender_to_search_any_unplaced_kept_mail_is_in_doubt() -> None:
    # A pending row from before migration 0017 has no sender: searched by Message-ID alone.
    kept = [Kept(ID, "bert@v.example")]
    assert verdict({1, 2}, [Going(ID, None)], kept, None) == Verdict(frozenset(), 1)


def test_hits_that_are_only_placed_messages_leave_nothing_in_doubt() -> None:
    going = [Going(ID, "anna@v.example", VALIDITY, 3), Going(ID, "anna@v.example")]
    kept = [Kept(ID, "anna@v.example")]
    assert verdict({3}, going, kept, "anna@v.example") == Verdict(frozenset({3}))


def test_from_another_folder_no_kept_mail_has_a_place() -> None:
    staying = Staying((Kept(ID, "bert@v.example", uidvalidity=VALIDITY, uid=2),))
    assert staying.places(VALIDITY) == {2}
    elsewhere = staying.elsewhere()
    assert elsewhere.places(VALIDITY) == set() and len(elsewhere.unplaced(ID, VALIDITY)) == 1


def test_the_guard_reads_an_address_without_its_quotes_as_the_servers_from_does() -> None:
    # pymap and Dovecot match FROM anna.test@... against "anna.test"@... and back.
    quoted = Kept(ID, '"anna.test"@v.example', from_name="Anna")
    assert quoted.found_by("anna.test@v.example")
    assert Kept(ID, "anna.test@v.example").found_by('"anna.test"@v.example')
    assert not quoted.found_by("bert@v.example")
