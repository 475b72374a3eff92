"""Reasons as codes (helpline_core.mail.reasons, issue 16): every code of the closed list
round-trips through the text stored in the database, parameters are checked, and anything that
is not a code with exactly its parameters (English stored before codes, a broken row) reads as
`unknown`, keeping its words only as an admin's detail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.mail.reasons import (
    _SPECS,
    CODES,
    FAMILIES,
    UNKNOWN,
    Reason,
    decode,
    describe,
    reason,
)


def example(code: str) -> Reason:
    """`code` with a value for each of its parameters."""
    values: dict[str, int | str] = {name: 42 for name in _SPECS[code].params}
    if "status" in values and code == "bounced":
        values["status"] = "5.1.1"
    if "error" in values:
        values["error"] = "TimeoutError"
    return reason(code, detail="the server said: no", **values)  # type: ignore[arg-type]


def test_the_families_cover_the_list_once() -> None:
    families = [code for codes in FAMILIES.values() for code in codes]
    assert len(families) == len(set(families))
    assert set(families) | {UNKNOWN} == set(CODES) == set(_SPECS)


@pytest.mark.parametrize("code", [c for c in CODES if c != UNKNOWN])
def test_every_code_round_trips_and_has_an_english_sentence(code: str) -> None:
    made = example(code)
    stored = made.encode()
    assert stored.split(" ", 1)[0] == code
    assert decode(stored) == made
    assert "{" not in made.english() and made.english().endswith("(the server said: no)")
    assert "the server said" not in made.english(detail=False)


def test_a_code_without_parameters_is_stored_as_the_code_alone() -> None:
    assert reason("empty").encode() == "empty"
    assert decode("empty") == reason("empty")
    assert describe("empty") == "empty message"


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError):
        reason("too_large", size=1)  # the limit is missing
    with pytest.raises(ValueError):
        reason("empty", size=1)  # takes none
    with pytest.raises(ValueError):
        reason("bounced", status="5.1.1 <anna@visitor.example> said no")  # words, not a token
    with pytest.raises(ValueError):
        reason("too_large", size=True, limit=2)


@pytest.mark.parametrize(
    "stored",
    [
        "reply not sent: 550 no such mailbox",  # English of a row stored before codes
        "empty message",
        "too_large",  # parameters missing
        'too_large {"size":1}',
        'too_large {"size":1,"limit":2,"extra":3}',
        'too_large {"size":"a b","limit":2}',
        "too_large [1, 2]",
        "too_large {not json",
        'unknown {"detail":"x"}',
        "",
    ],
)
def test_anything_else_is_unknown_with_its_words_for_an_admin(stored: str) -> None:
    found = decode(stored)
    assert (found.code, dict(found.params), found.detail) == (UNKNOWN, {}, stored)
    assert describe(stored) == (stored or "reason not recorded as a code")


@given(st.text(max_size=200))
def test_decoding_any_text_never_raises(text: str) -> None:
    found = decode(text)
    assert found.code in CODES
    assert found.code == UNKNOWN or decode(found.encode()) == found
