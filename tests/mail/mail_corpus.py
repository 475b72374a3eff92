"""A corpus of awkward mail written for this project (synthetic senders only).

Each item is built at test time (the 20 MB attachment is never committed) and says what the
ingestion must do with it: "ingest" (with what to check) or "quarantine".
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage


@dataclass(frozen=True)
class CorpusItem:
    name: str
    raw: bytes
    expect: str  # "ingest" or "quarantine"
    body_contains: str = ""
    body_lacks: tuple[str, ...] = ()
    subject: str | None = None
    attachments: int | None = None
    problem_contains: str = ""


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("latin-1")


def simple(
    message_id: str = "<simple-1@visitor.example>",
    subject: str = "Hulp gevraagd",
    body: str = "Ik wil graag iets vertellen.",
    sender: str = "Anna Test <anna.test@visitor.example>",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "antwerpen@helpline.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Mar 2026 10:00:00 +0100"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=policy.SMTP)


def _wrong_charset() -> bytes:
    # Declared utf-8, written in cp1252 by an old client.
    return crlf(
        "From: bert@visitor.example\nTo: t@helpline.example\nSubject: charset\n"
        "Message-ID: <wrong-charset@visitor.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
    ) + "Het is moeilijk, ik weet het niet meer \u2013 dank u.".encode("cp1252")


def _unknown_charset() -> bytes:
    return crlf(
        "From: bert@visitor.example\nSubject: x\nMessage-ID: <unknown-charset@visitor.example>\n"
        "Content-Type: text/plain; charset=x-klingon-42\n\n"
    ) + "r\u00e9sum\u00e9 van mijn verhaal".encode("latin-1")


def _missing_charset() -> bytes:
    return crlf(
        "From: bert@visitor.example\nSubject: geen charset\n"
        "Message-ID: <missing-charset@visitor.example>\nContent-Type: text/plain\n\n"
    ) + "Caf\u00e9 om de hoek, \u00e7a va.".encode("latin-1")


def _broken_boundary() -> bytes:
    return crlf(
        "From: carla@visitor.example\nSubject: kapot\n"
        "Message-ID: <broken-boundary@visitor.example>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="AAA"\n\n'
        "--BBB\nContent-Type: text/plain\n\nDe grens klopt niet maar de tekst moet blijven.\n"
        "--BBB--\n"
    )


def _missing_boundary() -> bytes:
    return crlf(
        "From: carla@visitor.example\nSubject: geen grens\n"
        "Message-ID: <no-boundary@visitor.example>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed\n\nalleen tekst zonder grens\n"
    )


def _huge_header() -> bytes:
    return crlf(
        "From: dirk@visitor.example\nMessage-ID: <huge-header@visitor.example>\n"
        f"Subject: {'lang ' * 40000}\nX-Junk: {'x' * 200000}\n\nKorte tekst.\n"
    )


def _header_flood() -> bytes:
    lines = "".join(f"X-Flood-{index}: {'y' * 70}\n" for index in range(5000))
    return crlf(f"From: dirk@visitor.example\nSubject: flood\n{lines}\nTekst.\n")


def _nested_rfc822() -> bytes:
    inner = EmailMessage()
    inner["From"] = "someone@elsewhere.example"
    inner["Subject"] = "Origineel bericht"
    inner.set_content("Dit is het doorgestuurde bericht.")
    middle = EmailMessage()
    middle["From"] = "middle@elsewhere.example"
    middle["Subject"] = "Fwd: Origineel bericht"
    middle.set_content("Zie hieronder.")
    middle.add_attachment(inner)
    outer = EmailMessage()
    outer["From"] = "eva@visitor.example"
    outer["Subject"] = "Fwd: Fwd: Origineel bericht"
    outer["Message-ID"] = "<nested@visitor.example>"
    outer.set_content("Ik stuur dit door.")
    outer.add_attachment(middle)
    return outer.as_bytes(policy=policy.SMTP)


def big_attachment(size: int = 20 * 1024 * 1024) -> bytes:
    message = EmailMessage()
    message["From"] = "frank@visitor.example"
    message["Subject"] = "grote bijlage"
    message["Message-ID"] = "<big-attachment@visitor.example>"
    message.set_content("Zie bijlage.")
    # A real PDF signature, so the detected type can be checked; the rest is random.
    message.add_attachment(
        b"%PDF-1.4\n" + os.urandom(size - 9),
        maintype="application",
        subtype="pdf",
        filename="verslag.pdf",
    )
    return message.as_bytes(policy=policy.SMTP)


def _html_only() -> bytes:
    return crlf(
        "From: gina@visitor.example\nSubject: html\nMessage-ID: <html-only@visitor.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><script>alert('xss')</script><style>p{color:red}</style></head><body>"
        '<p onclick="steal()">Help me <b>alsjeblieft</b></p>'
        '<img src="https://tracker.example/pixel.gif?id=1">'
        '<a href="javascript:alert(1)">klik</a> <a href="https://info.example/">info</a>'
        "<iframe src='https://evil.example/'></iframe></body></html>\n"
    )


def _encoded_words() -> bytes:
    return crlf(
        "From: =?utf-8?b?SMOpbMOobmU=?= <helene@visitor.example>\n"
        "Subject: =?utf-8?q?Re:_Vraag_over_=C3=A9=C3=A9n?= =?iso-8859-1?q?_caf=E9?=\n"
        "Message-ID: <encoded-words@visitor.example>\nContent-Type: text/plain; charset=utf-8\n\n"
        "tekst\n"
    )


def _evil_filenames() -> bytes:
    message = EmailMessage()
    message["From"] = "ivan@visitor.example"
    message["Subject"] = "bijlagen"
    message["Message-ID"] = "<evil-names@visitor.example>"
    message.set_content("Twee bijlagen.")
    message.add_attachment(
        b"GIF89a\x01\x00", maintype="image", subtype="gif", filename="../../etc/passwd"
    )
    part = base64.b64encode(b"hallo").decode()
    raw = message.as_bytes(policy=policy.SMTP)
    # A NUL in a filename cannot be made with the API; splice one in as a hostile client would.
    tail = (
        "--{b}\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
        'filename="a\x00b/..\\\\c.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{part}\r\n"
    )
    boundary = message.get_boundary()
    assert boundary is not None
    closing = f"--{boundary}--".encode()
    return raw.replace(closing, tail.format(b=boundary).encode("latin-1") + closing)


def _no_message_id() -> bytes:
    return simple(message_id="", subject="zonder id", body="Geen Message-ID in deze mail.")


def _terminal_escapes() -> bytes:
    return simple(
        message_id="<escapes@visitor.example>",
        subject="[bold red]markup[/] \x1b]0;title\x07",
        body="Tekst \x1b[2J\x1b[31mrood [link=x]y[/link] <b>geen html</b>",
    )


def _no_sender() -> bytes:
    return crlf("Subject: wie?\nMessage-ID: <no-sender@visitor.example>\n\ntekst\n")


def _binary_garbage() -> bytes:
    return bytes(range(256)) * 4


def items(big_size: int = 20 * 1024 * 1024) -> list[CorpusItem]:
    builders: list[tuple[str, Callable[[], bytes], dict[str, object]]] = [
        (
            "wrong charset",
            _wrong_charset,
            {"body_contains": "moeilijk", "problem_contains": "utf-8"},
        ),
        ("unknown charset", _unknown_charset, {"body_contains": "verhaal"}),
        (
            "missing charset",
            _missing_charset,
            {"body_contains": "Caf", "problem_contains": "charset"},
        ),
        ("broken boundary", _broken_boundary, {"body_contains": "tekst moet blijven"}),
        ("missing boundary", _missing_boundary, {"body_contains": "zonder grens"}),
        ("huge header", _huge_header, {"expect": "quarantine"}),
        ("header flood", _header_flood, {"expect": "quarantine"}),
        ("nested rfc822", _nested_rfc822, {"body_contains": "doorgestuurde bericht"}),
        ("big attachment", lambda: big_attachment(big_size), {"attachments": 1}),
        (
            "html only",
            _html_only,
            {
                "body_contains": "Help me alsjeblieft",
                "body_lacks": ("alert", "steal", "tracker.example", "javascript", "color:red"),
                "problem_contains": "remote",
            },
        ),
        ("encoded words", _encoded_words, {"subject": "Re: Vraag over één café"}),
        ("evil filenames", _evil_filenames, {"attachments": 2}),
        ("no message-id", _no_message_id, {"problem_contains": "Message-ID"}),
        ("terminal escapes", _terminal_escapes, {"body_lacks": ("\x1b", "\x07")}),
        ("no sender", _no_sender, {"expect": "quarantine"}),
        ("binary garbage", _binary_garbage, {"expect": "quarantine"}),
    ]
    result = []
    for name, build, options in builders:
        expect = str(options.pop("expect", "ingest"))
        result.append(CorpusItem(name=name, raw=build(), expect=expect, **options))  # type: ignore[arg-type]
    return result
