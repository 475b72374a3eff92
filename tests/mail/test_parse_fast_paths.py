"""The parser's shortcut for plain From values, and its own RFC 2047 decoder, give what the
standard header parser gives on the values that parser reads well.

Most mail has a From like `Name <address>`; parsing those with the standard header parser cost a
third of the parsing time, so they are read directly. These tests
compare the shortcut with the header parser on values built to sit on the edge of the shortcut
(quotes, dots, apostrophes, spaces, tabs, brackets, comments, encoded words, commas)."""

from __future__ import annotations

import base64

from hypothesis import assume, find, given, settings
from hypothesis import strategies as st

from helpline_core.mail import headers
from helpline_core.mail.charsets import decode_words
from helpline_core.mail.text import one_line

_PIECES = [
    "Anna", "Test", " ", "  ", "\t", ".", "-", "'", '"', "<", ">", "@", ",", "(", ")", "x",
    "anna.test", "@visitor.example", "visitor.example", "=?utf-8?q?=C3=A9?=", "\\", ";", ":",
    "0", "+tag", "%", "_", "é", "Bezoeker 12",
]  # fmt: skip
fragments = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
# Values the shortcut takes (names and addresses of its own characters), and the same with one
# piece inserted somewhere that it must refuse or handle as the parser does.
_SAFE = ["Anna", "Test", " ", "  ", "\t", ".", "-", "'", "0", "x", "_", "visitor"]
_EDGE = ['"', "<", ">", "@", ",", "(", ")", "é", "\\", ";", "=?", ".", " ", "..", "-", "'", ":"]
name = st.lists(st.sampled_from(_SAFE), max_size=6).map("".join)
dotted = st.lists(
    st.sampled_from(["anna", "Test", "x0", "a_b", "+t", "%", "-"]), min_size=1, max_size=3
)
address = st.builds(
    lambda local, domain: f"{local}@{domain}", dotted.map(".".join), dotted.map(".".join)
)
plain = st.one_of(
    address,
    st.builds(lambda n, a, q: f"{q}{n}{q} <{a}>", name, address, st.sampled_from(["", '"'])),
)


def _insert(value: str, where: int, piece: str) -> str:
    where %= len(value) + 1
    return value[:where] + piece + value[where:]


senders = st.one_of(
    plain,
    st.builds(_insert, plain, st.integers(0, 80), st.sampled_from(_EDGE)),
    fragments,
)


@settings(max_examples=3000, deadline=None)
@given(senders)
def test_plain_sender_shortcut_matches_the_header_parser(value: str) -> None:
    # Only values the shortcut takes compare two paths (for the others `sender` IS the header
    # parser), about one in five of these. No `assume`: filtering four in five made hypothesis's
    # filter health check fail now and then; the test below makes sure such values come up.
    assert headers.sender.__wrapped__(value) == headers.parsed_sender(value)


def test_the_sender_strategy_reaches_the_shortcut_with_awkward_characters() -> None:
    # The property above compares two paths only if `senders` yields values the shortcut
    # takes, including ones with an edge character in them: find one of each kind.
    plain_one = find(senders, lambda v: headers.SIMPLE_SENDER.fullmatch(v) is not None)
    assert headers.SIMPLE_SENDER.fullmatch(plain_one)
    awkward = find(
        senders,
        lambda v: (
            headers.SIMPLE_SENDER.fullmatch(v) is not None
            and any(piece in v for piece in ('"', "'", "\t"))
        ),
    )
    assert headers.SIMPLE_SENDER.fullmatch(awkward)


@settings(max_examples=500, deadline=None)
@given(senders)
def test_values_the_shortcut_refuses_go_to_the_header_parser(value: str) -> None:
    assume(headers.SIMPLE_SENDER.fullmatch(value) is None)
    assert headers.sender.__wrapped__(value) == headers.parsed_sender(value)


def test_the_sender_shortcut_is_not_the_header_parser() -> None:
    # A value the two paths read differently would show it: the shortcut must be a path of its
    # own, or the property above compares the parser with itself.
    value = "Anna Test <anna@visitor.example>"
    assert headers.SIMPLE_SENDER.fullmatch(value)
    calls: list[str] = []
    original = headers.parsed_sender
    try:
        headers.parsed_sender = lambda v: calls.append(v) or original(v)  # type: ignore[assignment]
        headers.sender.__wrapped__(value)
    finally:
        headers.parsed_sender = original  # type: ignore[assignment]
    assert calls == []


words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)


def _encoded(text: str, kind: str) -> str:
    data = text.encode()
    if kind == "b":
        return f"=?utf-8?b?{base64.b64encode(data).decode()}?="
    return "=?utf-8?q?" + "".join(f"={byte:02X}" for byte in data) + "?="


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(words, st.sampled_from(["b", "q", "plain"])), min_size=1, max_size=6))
def test_encoded_words_decode_as_the_header_parser_does(pieces: list[tuple[str, str]]) -> None:
    """On well-formed RFC 2047 values (whole characters per word, words set off by spaces) the
    decoder gives what the standard header parser gives."""
    value = " ".join(
        _encoded(text, kind) if kind != "plain" or not text.isascii() else text
        for text, kind in pieces
    )
    if "=?" in "".join(text for text, kind in pieces if kind == "plain"):
        return  # a plain word that looks like an encoded word: not well formed
    expected = str(headers.POLICY.header_factory("subject", value))
    assert one_line(decode_words(value), 998) == one_line(expected, 998)


def test_the_shortcuts_are_taken_for_common_values() -> None:
    assert headers.SIMPLE_SENDER.fullmatch("Bezoeker 12 <visitor12@bench.example>")
    assert headers.SIMPLE_SENDER.fullmatch('"Anna Test" <anna.test@visitor.example>')
    assert headers.SIMPLE_SENDER.fullmatch("anna@visitor.example")
    assert headers.sender("Anna Test <anna@visitor.example>") == (
        "Anna Test",
        "anna@visitor.example",
        None,
    )
