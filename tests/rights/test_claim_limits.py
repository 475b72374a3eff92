"""Wrong claim codes are limited per source, under a higher global ceiling that never locks
out a source that made no mistake (docs/claim-codes.md); the code is found however a person
types it (case, accents, spaces, dashes, line breaks). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.db import session_scope
from helpline_core.models import ClaimAttempt, Conversation
from helpline_core.services.actors import InvalidValue
from helpline_core.services.rights import claims
from tests.retention import seed

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECOND = claims.WINDOW / claims.WINDOW.total_seconds()


def _issued(engine: Engine, key: bytes, language: str = "en") -> tuple[int, str]:
    chat = seed.chat(engine, NOW)
    with session_scope(engine) as session:
        row = session.get(Conversation, chat)
        assert row is not None
        return chat, claims.issue(
            session, key, conversation=row.public_id, language=language, actor="t"
        )


def _find(engine: Engine, key: bytes, code: str, source: str, at: datetime = NOW) -> int:
    with session_scope(engine) as session:
        return claims.find(session, key, code, actor="admin:a", source=source, now=at)


def _wrong(code: str) -> str:
    number, *words = code.split("-")
    return "-".join([number, *reversed(words)]) if words != words[::-1] else code + "x"


def test_an_attackers_wrong_codes_do_not_stop_another_visitors_right_code(
    engine: Engine, secret_key: bytes
) -> None:
    chat, code = _issued(engine, secret_key)
    attacker = "guesser@attacker.example"
    for _ in range(claims.MAX_WRONG_PER_SOURCE):
        with pytest.raises(InvalidValue, match="not recognised"):
            _find(engine, secret_key, _wrong(code), attacker)
    # The attacker is now refused before any code is checked, even a right one ...
    with pytest.raises(InvalidValue, match="from this source"):
        _find(engine, secret_key, code, attacker)
    # ... while the visitor, from their own address, gets in at once.
    assert _find(engine, secret_key, code, "Visitor@Example.org") == chat
    # The attacker's window ends one second after 15 minutes, not before.
    later = NOW + claims.WINDOW
    with pytest.raises(InvalidValue, match="from this source"):
        _find(engine, secret_key, code, attacker, later - SECOND)
    assert _find(engine, secret_key, code, attacker, later) == chat
    with session_scope(engine) as session:
        hashes = {row.source_hash for row in session.exec(select(ClaimAttempt))}
    assert attacker not in str(hashes) and code not in str(hashes)


def test_past_the_global_ceiling_only_sources_without_a_mistake_are_checked(
    engine: Engine, secret_key: bytes
) -> None:
    chat, code = _issued(engine, secret_key)
    with session_scope(engine) as session:
        for n in range(claims.GLOBAL_CEILING - 1):
            session.add(ClaimAttempt(source_hash=claims.source_hash(secret_key, f"s{n}"), at=NOW))
    with pytest.raises(InvalidValue, match="not recognised"):
        _find(engine, secret_key, _wrong(code), "typo@visitor.example")  # the 100th
    # A source that made a mistake waits; one that made none is still checked and gets in.
    with pytest.raises(InvalidValue, match="being tried"):
        _find(engine, secret_key, code, "typo@visitor.example")
    assert _find(engine, secret_key, code, "careful@visitor.example") == chat


@pytest.mark.parametrize("language", claims.LANGUAGES)
def test_a_code_is_found_however_it_is_typed(
    engine: Engine, secret_key: bytes, language: str
) -> None:
    chat, code = _issued(engine, secret_key, language)
    number, *words = code.split("-")
    typed = (
        f"  {number} – " + "\n".join(w.upper() for w in words[:4]) + "  " + " - ".join(words[4:])
    )
    assert _find(engine, secret_key, typed + "\n", "v") == chat


separators = st.lists(
    st.sampled_from([" ", "-", "\n", "\r\n", " - ", "\t", ".", "–", "  "]), min_size=9, max_size=9
)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(claims.words("fr")), min_size=8, max_size=8),
    number=st.integers(min_value=1, max_value=10**9),
    seps=separators,
    upper=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_normalising_ignores_case_accents_and_separators(
    words: list[str], number: int, seps: list[str], upper: list[bool]
) -> None:
    accented = {"e": "é", "a": "à", "u": "ù", "i": "î", "o": "ô", "c": "ç"}
    typed = seps[0] + str(number)
    for word, sep, up in zip(words, seps[1:], upper, strict=True):
        shown = "".join(accented.get(c, c) for c in word)
        typed += sep + (shown.upper() if up else shown)
    assert claims.normalised(typed) == (number, "-".join(words))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_normalises_to_a_code_shape_or_to_none(text: str) -> None:
    found = claims.normalised(text)
    if found is not None:
        number, joined = found
        parts = joined.split("-")
        assert number >= 0 and len(parts) == claims.WORDS_PER_CODE
        assert all(p.isascii() and p.isalnum() and p == p.lower() for p in parts)
