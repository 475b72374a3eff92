"""Mail made to take the parser minutes (issue: one sender holds up a team's mailbox): HTML
nesting cut before the sanitiser (mail.html_depth), text never lost; thousands of parts or
parameters bounded."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.html_depth import MAX_TAGS, rough_text, shallow, too_many_tags
from helpline_core.mail.parse import MAX_PARTS, ParsedEmail, Quarantine, parse_message
from helpline_core.mail.reasons import reason
from tests.mail import mail_corpus

TAGS = re.compile(r"<[^>]*>")
PIECES = st.sampled_from(
    ["<div>", "</div>", "<ul>", "<li>", "</li>", "</ul>", "<blockquote>", "</blockquote>",
     "<br>", "<br/>", "<p>", "</p>", "<span class='x'>", "</span>", "tekst ", "één ", "a > b "]
)  # fmt: skip


def depth_of(html: str) -> int:
    """The deepest level shallow's own counting reaches."""
    deepest = depth = 0
    for closing, name, alone in re.findall(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>", html):
        if name.lower() in {"br", "li", "p"} or alone:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


@given(st.lists(PIECES, max_size=400), st.integers(min_value=1, max_value=20))
def test_text_stays_and_depth_is_bounded(pieces: list[str], limit: int) -> None:
    html = "".join(pieces)
    cut = shallow(html, limit)
    assert TAGS.sub("", cut) == TAGS.sub("", html)
    if html.count("<") > limit:
        assert depth_of(cut) <= limit
    else:
        assert cut == html


def test_ordinary_mail_html_is_left_as_it_is() -> None:
    html = "<div><p>Hallo,</p><blockquote><div>vorige mail</div></blockquote></div>" * 300
    assert shallow(html) == html


def test_a_mail_of_deeply_nested_lists_is_read_with_its_text() -> None:
    # 400 KB of nested lists took the sanitiser 21 s before: its time grows with depth squared.
    html = "<ul><li>" * 25_000 + "Ik heb hulp nodig." + "</li></ul>" * 25_000
    raw = mail_corpus.simple("<deep@visitor.example>", body=html)
    raw = raw.replace(b"text/plain", b"text/html", 1)
    result = parse_message(raw, MailSettings())
    assert isinstance(result, ParsedEmail)
    assert "Ik heb hulp nodig." in result.body_text


def test_a_mail_of_thousands_of_parts_is_quarantined_whole() -> None:
    # 20,000 tiny parts took 7 s to parse: the message is kept raw, with the count.
    parts = "".join(
        f'--b\r\nContent-Type: text/plain; name="f{n}.txt"\r\n\r\nx\r\n' for n in range(1001)
    )
    raw = (
        "From: Anna <anna@example.org>\r\nTo: hulp@helpline.example\r\nSubject: veel\r\n"
        "Message-ID: <veel@example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + "--b--\r\n"
    ).encode()
    result = parse_message(raw, MailSettings())
    assert isinstance(result, Quarantine) and not result.parser_error
    assert result.reason == reason("too_many_parts", parts=1002, most=MAX_PARTS)
    fewer = raw.replace(b"Content-Type: text/plain", b"X-Part: text/plain", 2)
    assert isinstance(parse_message(fewer, MailSettings()), ParsedEmail)


def test_a_part_header_of_thousands_of_parameters_is_read_up_to_the_limit() -> None:
    # 24,000 parameters on a part's Content-Type took 21 s: those past 16 KiB are left out.
    params = "".join(f';\r\n p{n}="v{n}"' for n in range(24_000))
    raw = (
        "From: Anna <anna@example.org>\r\nTo: hulp@helpline.example\r\nSubject: dos\r\n"
        "Message-ID: <dos@example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain; charset=utf-8{params}\r\n\r\nhallo\r\n--b--\r\n"
    ).encode()
    result = parse_message(raw, MailSettings())
    assert isinstance(result, ParsedEmail) and result.body_text == "hallo"


@pytest.mark.parametrize(
    "flood",
    [
        "<br>" * 600_000,
        "<p></p>" * 300_000,
        "<span>woord</span> " * 250_000,
        "<table>" + "<tr><td>a</td><td>b</td></tr>" * 60_000 + "</table>",
    ],
)
def test_html_with_a_flood_of_tags_is_read_with_its_text(flood: str) -> None:
    # 10 MB of <br> took 14 s in the sanitiser and the text builder (microseconds a tag, in
    # Python): floods of breaks and empty elements are cut, and past MAX_TAGS the text is read
    # by regular expressions alone. The person's words are all there.
    html = f"<p>Begin van mijn verhaal.</p>{flood}<p>Einde: help mij.</p><script>x()</script>"
    raw = mail_corpus.simple("<flood@visitor.example>", body=html)
    result = parse_message(raw.replace(b"text/plain", b"text/html", 1), MailSettings())
    assert isinstance(result, ParsedEmail)
    assert result.body_text.startswith("Begin van mijn verhaal.")
    assert result.body_text.endswith("Einde: help mij.") and "x()" not in result.body_text


def test_rough_text_keeps_cells_apart_and_reads_entities() -> None:
    html = "<tr><td>Anna</td><td>Peeters</td></tr><p>&lt;b&gt; &amp; caf&eacute;</p>"
    assert rough_text(html).split() == ["Anna", "Peeters", "<b>", "&", "café"]
    assert too_many_tags("<b>" * (MAX_TAGS + 1)) and not too_many_tags("<b>" * MAX_TAGS)
