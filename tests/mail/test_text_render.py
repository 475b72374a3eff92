"""What a counsellor reads of an email: quoted HTML keeps its quote marks, <pre> keeps its
layout, no bidi or other control survives, and format=flowed text (RFC 3676) is joined back
into its paragraphs. All people and addresses here are made up."""

from __future__ import annotations

import html
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.parse import ParsedEmail, parse_message
from helpline_core.mail.text import (
    QUOTE_MARKS_SHOWN,
    html_to_text,
    one_line,
    strip_controls,
    unflow,
)

QUOTED = 'Hij zei: "ik vind je wel, waar je ook bent"'


def text_of(markup: str) -> str:
    return html_to_text(markup)[0]


def own_and_quoted(text: str) -> tuple[list[str], list[str]]:
    """The lines with text: those without a quote mark, and those with one."""
    lines = [line for line in text.splitlines() if line.strip(" >")]
    return [ln for ln in lines if not ln.startswith(">")], [ln for ln in lines if ln[0] == ">"]


# 1. Quoted HTML is shown quoted ------------------------------------------------------------

GMAIL_REPLY = (
    '<div dir="ltr">Nee, bel me liever niet.</div><br><div class="gmail_quote">'
    '<div dir="ltr" class="gmail_attr">Op ma 4 mrt 2024 om 09:00 schreef Hulplijn &lt;'
    '<a href="mailto:hulp@helpline.example">hulp@helpline.example</a>&gt;:<br></div>'
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
    'rgb(204,204,204);padding-left:1ex"><div dir="ltr">Mogen we je bellen?<br>'
    f"{html.escape(QUOTED)}</div></blockquote></div>"
)


def test_a_gmail_reply_shows_the_quoted_words_as_quoted() -> None:
    text = text_of(GMAIL_REPLY)
    own, quoted = own_and_quoted(text)
    assert own[0] == "Nee, bel me liever niet."
    assert own[1].startswith("Op ma 4 mrt 2024 om 09:00 schreef Hulplijn")
    assert quoted == ["> Mogen we je bellen?", f"> {QUOTED}"]
    assert QUOTED not in own


def test_a_parsed_gmail_reply_keeps_the_quote_marks_in_the_body() -> None:
    raw = (
        "From: Anna Voorbeeld <anna@visitor.example>\r\nTo: hulp@helpline.example\r\n"
        "Subject: Re: Een vraag\r\nMessage-ID: <q-1@visitor.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Nee, bel me liever niet.\r\n\r\n> {QUOTED}\r\n"
        "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"{GMAIL_REPLY}\r\n--alt--\r\n"
    ).encode()
    result = parse_message(raw, MailSettings())
    assert isinstance(result, ParsedEmail)
    lines = result.body_text.splitlines()
    assert f"> {QUOTED}" in lines
    assert QUOTED not in lines


def test_apple_mail_nested_quotes_are_marked_per_level() -> None:
    text = text_of(
        '<div>Dank je.</div><div><br><blockquote type="cite"><div>Op 3 mrt. 2024 schreef '
        'Bram:</div><br><div><div>Hoe gaat het?</div><blockquote type="cite">'
        "<div>Eerste zin.<br>Tweede zin.</div></blockquote><div>Nog iets.</div></div>"
        "</blockquote></div><div>Groet, Clara</div>"
    )
    assert text.splitlines() == [
        "Dank je.",
        "",
        "> Op 3 mrt. 2024 schreef Bram:",
        ">",
        "> Hoe gaat het?",
        ">",
        "> > Eerste zin.",
        "> > Tweede zin.",
        ">",
        "> Nog iets.",
        "",
        "Groet, Clara",
    ]


def test_thunderbird_cite_prefix_stays_unquoted_and_the_quote_is_quoted() -> None:
    text = text_of(
        '<p>Ja, dat klopt.</p><div class="moz-cite-prefix">Op 02-03-2024 om 10:00 schreef '
        'Dirk:<br></div><blockquote type="cite" cite="mid:x-1@visitor.example">'
        "<p>Ik weet waar je werkt.</p><p>Tot morgen.</p></blockquote>"
    )
    own, quoted = own_and_quoted(text)
    assert own == ["Ja, dat klopt.", "Op 02-03-2024 om 10:00 schreef Dirk:"]
    assert quoted == ["> Ik weet waar je werkt.", "> Tot morgen."]


@pytest.mark.parametrize(
    "separator",
    [
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        "<p><b>From:</b> Eva Voorbeeld &lt;eva@visitor.example&gt;<br><b>Sent:</b> Monday, "
        "March 4, 2024 9:00 AM<br><b>To:</b> Hulplijn<br><b>Subject:</b> Vraag</p></div>",
        '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg">'
        "<b>From:</b> Eva Voorbeeld &lt;eva@visitor.example&gt;<br><b>Sent:</b> Monday, "
        "March 4, 2024 9:00 AM<br><b>To:</b> Hulplijn<br><b>Subject:</b> Vraag</div>",
        "<div>-----Original Message-----<br>From: Eva Voorbeeld &lt;eva@visitor.example&gt;"
        "<br>Sent: Monday, March 4, 2024 9:00 AM<br>To: Hulplijn<br>Subject: Vraag</div>",
    ],
    ids=["border-top div", "hr", "original message"],
)
def test_an_outlook_reply_separator_loses_nothing(separator: str) -> None:
    text = text_of(
        f'<div class="WordSection1"><p class="MsoNormal">Mijn antwoord.</p>{separator}'
        '<p class="MsoNormal">Het oorspronkelijke bericht.</p></div>'
    )
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "Mijn antwoord."
    assert lines[-1] == "Het oorspronkelijke bericht."
    for words in ("Eva Voorbeeld <eva@visitor.example>", "Monday, March 4, 2024 9:00 AM"):
        assert words in text
    assert "Hulplijn" in text and "Vraag" in text
    if "<hr" in separator:
        assert "----" in lines
    if "Original Message" in separator:
        assert "-----Original Message-----" in lines


def test_text_after_a_quote_is_not_quoted() -> None:
    text = text_of("<blockquote>Zijn woorden.</blockquote>Mijn woorden.")
    assert text.splitlines() == ["> Zijn woorden.", "", "Mijn woorden."]


@pytest.mark.parametrize(
    "breaker", ["&#8232;", "\u2028", "&#8233;", "\u2029", "&#13;", "\r", "\x85", "\x0b", "\x0c"]
)
def test_a_line_break_character_cannot_end_the_quote_marks(breaker: str) -> None:
    for markup in (
        f"<blockquote>Zijn woorden.{breaker}Nog meer van hem.</blockquote>",
        f"<blockquote><pre>Zijn woorden.{breaker}Nog meer van hem.</pre></blockquote>",
    ):
        text = text_of(markup)
        assert all(line.startswith(">") for line in text.splitlines()), repr(text)
        assert all(c not in text for c in "\u2028\u2029\r\x85\x0b\x0c")


quoted_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\n\r\u2028 <>&"),
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(quoted_text, st.sampled_from(["div", "pre", "p"]), st.integers(1, 3))
def test_every_line_of_a_quote_is_marked(quoted: str, inner: str, depth: int) -> None:
    text = text_of(
        "<p>Mijn eigen woorden.</p>"
        + "<blockquote>" * depth
        + f"<{inner}>{html.escape(quoted)}</{inner}>"
        + "</blockquote>" * depth
    )
    first, *rest = text.split("\n")
    assert first == "Mijn eigen woorden."
    assert all(line == "" or line.startswith(">") for line in rest), repr(text)
    marks = "> " * depth
    assert all(line.startswith(marks) for line in rest if line.strip(" >")), repr(text)


def test_deep_nesting_shows_a_bounded_number_of_quote_marks() -> None:
    text = text_of("<blockquote>x" * 5000)
    lines = [line for line in text.splitlines() if line.strip(" >")]
    assert len(lines) == 5000
    assert lines[-1] == "> " * QUOTE_MARKS_SHOWN + "x"
    assert len(text) < 2 * 5000 * (2 * QUOTE_MARKS_SHOWN + 2)  # a text and a blank line a level


# 2. <pre> keeps its layout --------------------------------------------------------------------


def test_pre_keeps_indentation_and_inner_spaces() -> None:
    text = text_of(
        "<p>Zo   ziet   het eruit:</p><pre>Naam:     Anna\n"
        "    Adres:  geheim\n\tTab:  ja</pre><p>  Einde  </p>"
    )
    assert text.splitlines() == [
        "Zo ziet het eruit:",
        "",
        "Naam:     Anna",
        "    Adres:  geheim",
        "\tTab:  ja",
        "",
        "Einde",
    ]


def test_pre_inside_a_quote_keeps_indentation_after_the_marks() -> None:
    text = text_of("<blockquote><pre>lijst:\n  - een\n    - twee</pre></blockquote>")
    assert text.splitlines() == ["> lijst:", ">   - een", ">     - twee"]


# 3. Controls --------------------------------------------------------------------------------

# Unicode's Bidi_Control property (PropList.txt): every character that steers bidi reordering.
BIDI_CONTROLS = [
    "\u061c",  # ARABIC LETTER MARK
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
]
EXPLICIT_BIDI_CLASSES = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}


def test_the_bidi_control_list_is_the_whole_class() -> None:
    assert len(BIDI_CONTROLS) == 12
    explicit = {
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.bidirectional(chr(cp)) in EXPLICIT_BIDI_CLASSES
    }
    assert explicit <= set(BIDI_CONTROLS)
    marks = {c: unicodedata.name(c) for c in set(BIDI_CONTROLS) - explicit}
    assert marks == {
        "\u061c": "ARABIC LETTER MARK",
        "\u200e": "LEFT-TO-RIGHT MARK",
        "\u200f": "RIGHT-TO-LEFT MARK",
    }


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_every_bidi_control_is_removed(control: str) -> None:
    assert strip_controls(f"abc{control}.exe{control}") == "abc.exe"
    assert one_line(f" naam{control} {control}") == "naam"
    assert text_of(f"<p>a{control}b &#x{ord(control):x};c</p>") == "ab c"


def test_every_bidi_control_is_removed_from_subject_name_and_body() -> None:
    controls = "".join(BIDI_CONTROLS)
    raw = (
        f"From: Anna{controls} Voorbeeld <anna@visitor.example>\r\n"
        f"To: hulp@helpline.example\r\nSubject: hulp{controls}nodig\r\n"
        "Message-ID: <bidi-1@visitor.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"Ik ben{controls} bang.\r\n"
    ).encode()
    result = parse_message(raw, MailSettings())
    assert isinstance(result, ParsedEmail)
    assert result.subject == "hulpnodig"
    assert result.from_name == "Anna Voorbeeld"
    assert result.body_text == "Ik ben bang."


@pytest.mark.parametrize(
    "kept",
    [
        "می\u200cخواهم",  # Persian: ZERO WIDTH NON-JOINER inside a word
        "क्\u200dष",  # Devanagari: ZERO WIDTH JOINER
        "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # family emoji, joined
        "\u2764\ufe0f \u263a\ufe0e",  # VARIATION SELECTOR-16 and -15
        "\u845b\U000e0100",  # an ideographic variation selector
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # a flag
    ],
)
def test_joiners_and_variation_selectors_stay(kept: str) -> None:
    assert strip_controls(kept) == kept
    assert one_line(kept) == kept
    assert text_of(f"<p>{kept}</p>") == kept


def test_line_and_paragraph_separators_are_line_ends() -> None:
    assert strip_controls("een\u2028twee\u2029drie") == "een\ntwee\n\ndrie"
    assert one_line("een\u2028twee\u2029drie") == "een twee drie"


# 4. format=flowed (RFC 3676) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("flowed", "delsp", "expected"),
    [
        ("Een lange \nzin.\n", False, "Een lange zin.\n"),
        ("Een lange\r\nzin.", False, "Een lange\nzin."),  # fixed lines stay apart
        ("Een lan \nge zin.", True, "Een lange zin."),  # DelSp=yes: the soft space goes
        ("Een lange  \nzin.", True, "Een lange zin."),
        ("Een \n\nTwee", False, "Een \nTwee"),  # an empty line is a fixed line that ends it
        ("Een \ntwee \ndrie", False, "Een twee drie"),
        ("Laatste \n", True, "Laatste\n"),  # the end of the text ends the paragraph
        # Space-stuffing (section 4.4): one leading space goes, before the test for flowed.
        ("  ingesprongen\n >From", False, " ingesprongen\n>From"),
        (" ", False, ""),
        ("  \nx", False, " x"),  # only spaces after unstuffing: flowed (section 4.1)
        # Quotes (section 4.5): same depth joins; the marks of the first line stay.
        ("> Zijn \n> woorden.\nMijn woorden.", False, "> Zijn woorden.\nMijn woorden."),
        (">> Diep \n>>genest.", False, ">> Diep genest."),
        ("> > Niet \n> > diep.", False, "> > Niet > diep."),  # "> >" is depth one
        ("> Zijn \nMijn woorden.", False, "> Zijn \nMijn woorden."),  # quote-depth wins
        ("> Zijn \n>> ouder  \n>> bericht.", True, "> Zijn\n>> ouder bericht."),
        ("Mijn \n> zijn", False, "Mijn \n> zijn"),
        (">\n> \n> x", False, ">\n> \n> x"),  # empty quoted lines are fixed
        # The signature separator (section 4.3) is neither flowed nor fixed: never joined.
        ("Groet \n-- \nAnna", False, "Groet \n-- \nAnna"),
        ("Groet\n-- \nAnna  \nVoorbeeld", True, "Groet\n-- \nAnna Voorbeeld"),
        ("> Groet \n> -- \n> Bram", False, "> Groet \n> -- \n> Bram"),
        (" -- \nx", False, "-- \nx"),
    ],
)
def test_unflow_examples(flowed: str, delsp: bool, expected: str) -> None:
    assert unflow(flowed, delsp) == expected


def test_unflow_reads_an_apple_mail_body() -> None:
    body = (
        "Mijn partner controleert mijn telefoon en mijn  \nberichten. Deze link: "
        "https://www.example.org/heel/lan \nge/pad?id=1 werkt niet.\n\n"
        "> Eerdere regel  \n> die verder gaat\n\n-- \nVerstuurd vanaf mijn iPhone\n"
    )
    assert unflow(body, delsp=True) == (
        "Mijn partner controleert mijn telefoon en mijn berichten. Deze link: "
        "https://www.example.org/heel/lange/pad?id=1 werkt niet.\n\n"
        "> Eerdere regel die verder gaat\n\n-- \nVerstuurd vanaf mijn iPhone\n"
    )


line_chars = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n")


@given(st.lists(st.text(line_chars, max_size=30).map(lambda s: s.rstrip(" "))), st.booleans())
def test_unflow_leaves_fixed_text_alone_but_for_stuffing(lines: list[str], delsp: bool) -> None:
    text = "\n".join(lines)
    unstuffed = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    assert unflow(text, delsp) == unstuffed


def _flowed_lines(paragraph: str, delsp: bool, data: st.DataObject) -> list[str]:
    """The paragraph cut into flowed lines (RFC 3676 section 4.2): after a space, or (DelSp)
    anywhere with a space added; never so that a line would be a signature separator."""
    if delsp:
        places = list(range(1, len(paragraph)))
    else:
        places = [n for n in range(1, len(paragraph)) if paragraph[n - 1] == " "]
    cuts = sorted(data.draw(st.sets(st.sampled_from(places))) if places else [])
    chunks = [paragraph[a:b] for a, b in zip([0, *cuts], [*cuts, len(paragraph)], strict=True)]
    lines: list[str] = []
    carry = ""  # a cut that would have made a separator line is not made
    for n, chunk in enumerate(chunks):
        content = carry + chunk
        final = n == len(chunks) - 1
        line = content + " " if delsp and not final else content
        carry = content if line == "-- " and not final else ""
        if not carry:
            lines.append(line)
    return lines


paragraphs = st.lists(
    st.tuples(st.integers(0, 3), st.text(line_chars, max_size=60).map(lambda s: s.rstrip(" "))),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(paragraphs, st.booleans(), st.booleans(), st.data())
def test_unflow_gives_back_the_paragraphs(
    paras: list[tuple[int, str]], delsp: bool, stuff_all: bool, data: st.DataObject
) -> None:
    wire: list[str] = []
    expected: list[str] = []
    for depth, paragraph in paras:
        marks = ">" * depth
        lead = None
        for line in _flowed_lines(paragraph, delsp, data):
            stuff = stuff_all or line.startswith((" ", ">"))
            prefix = marks + " " if stuff else marks
            wire.append(prefix + line)
            lead = prefix if lead is None else lead
        # Unquoted: the stuffing space goes. Quoted: the first line's marks stay as sent.
        expected.append((lead if depth else "") + paragraph)
    assert unflow("\n".join(wire), delsp) == "\n".join(expected)
    assert unflow("\r\n".join(wire) + "\r\n", delsp) == "\n".join(expected) + "\n"


@pytest.mark.parametrize(
    ("html", "remote"),
    [
        ('<p>Groet</p><img src="cid:logo@outlook">', False),  # a part of the mail itself
        ("<img alt=x src=data:image/png;base64,iVBORw0KGgo=>", False),
        ('<div style="background: url(cid:bg)">x</div>', False),
        ('<img src="https://tracker.example/p.gif">', True),
        ("<img srcset='https://t.example/a.png 2x'>", True),
        ('<td background="http://t.example/bg.png">x</td>', True),
        ('<div style="background:url(//t.example/x)">x</div>', True),
    ],
)
def test_only_what_would_be_fetched_from_elsewhere_is_remote(html: str, remote: bool) -> None:
    # A cid: logo is in the mail; saying "remote images removed" for it was untrue.
    assert html_to_text(html)[1] is remote
