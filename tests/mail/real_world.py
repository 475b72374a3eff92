"""Real-world mail faults (issue 17), each as a small synthetic message and what the counsellor
must see of it. Used by the parser tests and, through pymap and Dovecot, by the sync tests."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

RUSSIAN = "Привет, мне очень нужна помощь с отчимом"
EMOJI_NAME = "Lotte 👩‍👧 Peeters"  # a joined sequence: split anywhere, its bytes must rejoin
POLISH_NAME = "Łucja Wróbel-Żak"


@dataclass(frozen=True)
class Case:
    """A message and what the counsellor's view of it must be."""

    name: str
    raw: bytes
    subject: str | None = None
    from_name: str | None = None
    from_address: str | None = None
    body_contains: tuple[str, ...] = ()
    body_lacks: tuple[str, ...] = ()
    problem_contains: str = ""


def crlf(text: str, charset: str = "ascii") -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(charset)


def folded_b(text: str, charset: str, split: int) -> str:
    """`text` as two B encoded words folded over two lines, split at byte `split`."""
    data = text.encode(charset)
    first, second = data[:split], data[split:]
    encode = base64.b64encode
    return f"=?{charset}?B?{encode(first).decode()}?=\r\n =?{charset}?B?{encode(second).decode()}?="


def folded_q(text: str, charset: str, split: int) -> str:
    data = text.encode(charset)

    def q(part: bytes) -> str:
        return "".join(
            chr(byte) if chr(byte).isalnum() and byte < 128 else f"={byte:02X}" for byte in part
        )

    return f"=?{charset}?Q?{q(data[:split])}?=\r\n =?{charset}?Q?{q(data[split:])}?="


def message(headers: str, body: bytes = b"Tekst.\r\n", *, charset: str = "ascii") -> bytes:
    return crlf(headers, charset) + b"\r\n" + body


def _base(message_id: str, sender: str = "Anna <anna@visitor.example>") -> str:
    return (
        f"From: {sender}\nTo: antwerpen@helpline.example\nMessage-ID: <{message_id}@rw.example>\n"
        "Date: Tue, 03 Mar 2026 09:15:00 +0100\nMIME-Version: 1.0\n"
    )


def _split_inside_character(text: str, charset: str) -> int:
    """A byte offset in the middle of the first multi-byte character past the middle."""
    data = text.encode(charset)
    middle = len(data) // 2
    for offset in range(middle, len(data)):
        try:
            data[:offset].decode(charset)
        except UnicodeDecodeError:
            return offset
    raise AssertionError("no multi-byte character to split")


def _alternative(plain: str, html: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "ria@visitor.example"
    mail["To"] = "antwerpen@helpline.example"
    mail["Subject"] = f"alternatief {len(plain)}"
    mail["Message-ID"] = f"<alt-{len(plain)}@rw.example>"
    mail.set_content(plain)
    mail.add_alternative(html, subtype="html")
    return mail.as_bytes(policy=policy.SMTP)


def cases() -> list[Case]:
    ru_split = _split_inside_character(RUSSIAN, "utf-8")
    emoji_split = EMOJI_NAME.encode().index("👩".encode()) + 2  # inside the woman's 4 bytes
    text_plain = "Content-Type: text/plain; charset={}\n"
    return [
        Case(
            "subject in Russian folded inside a character (UTF-8)",
            message(_base("ru-utf8") + f"Subject: {folded_b(RUSSIAN, 'UTF-8', ru_split)}\n"),
            subject=RUSSIAN,
        ),
        Case(
            "subject in Russian folded inside a word (KOI8-R, Q)",
            message(
                _base("ru-koi8", "Olga <olga@v.example>")
                + f"Subject: {folded_q(RUSSIAN, 'KOI8-R', 9)}\n"
            ),
            subject=RUSSIAN,
        ),
        Case(
            "sender name with an emoji folded inside it (UTF-8)",
            message(
                _base(
                    "emoji", f"{folded_b(EMOJI_NAME, 'UTF-8', emoji_split)}\r\n <lotte@v.example>"
                )
                + "Subject: hallo\n"
            ),
            from_name=EMOJI_NAME,
            from_address="lotte@v.example",
        ),
        Case(
            "sender name folded inside a word (ISO-8859-2)",
            message(
                _base("latin2", f"{folded_q(POLISH_NAME, 'ISO-8859-2', 4)} <lucja@v.example>")
                + "Subject: hallo\n"
            ),
            from_name=POLISH_NAME,
            from_address="lucja@v.example",
        ),
        Case(
            "one invalid byte in a UTF-8 body",
            message(
                _base("bad-byte") + "Subject: bad-byte\n" + text_plain.format("utf-8"),
                "Één ding: ik ben bang ".encode() + b"\xff" + " en alleen. Ça va niet.".encode(),
            ),
            body_contains=("Één ding: ik ben bang \ufffd en alleen. Ça va niet.",),
            problem_contains="1 undecodable byte",
        ),
        Case(
            "gb2312 label on GBK text",
            message(
                _base("gbk") + "Subject: gbk\n" + text_plain.format("gb2312"),
                "我很害怕，請幫助我。".encode("gbk"),  # 請 and 幫 are GBK, not GB2312
            ),
            body_contains=("我很害怕，請幫助我。",),
        ),
        Case(
            "iso-8859-1 label on windows-1252 text",
            message(
                _base("cp1252") + "Subject: cp1252\n" + text_plain.format("iso-8859-1"),
                "“Ik ben bang” – zei ze, €20 kwijt, café.".encode("cp1252"),
            ),
            body_contains=("“Ik ben bang” – zei ze, €20 kwijt, café.",),
        ),
        Case(
            "no charset on windows-1251 text (detected)",
            message(
                _base("cp1251") + "Subject: cp1251\nContent-Type: text/plain\n",
                (RUSSIAN + ". Он кричит на меня каждый вечер, и я боюсь идти домой.").encode(
                    "cp1251"
                ),
            ),
            body_contains=(RUSSIAN,),
            problem_contains="no charset declared",
        ),
        Case(
            "raw 8-bit UTF-8 and windows-1252 in headers",
            crlf(_base("raw8", "Zoë Çelik <zoe@v.example>"), "utf-8")
            + "Subject: café “dringend”\r\n\r\nTekst.\r\n".encode("cp1252"),
            subject="café “dringend”",
            from_name="Zoë Çelik",
        ),
        Case(
            "From without angle brackets",
            message(_base("no-brackets", "Big Bug bb@example.org") + "Subject: help\n"),
            from_name="Big Bug",
            from_address="bb@example.org",
            problem_contains="address was recovered",
        ),
        Case(
            "a malformed header line before From",
            message(
                "This line is not a header\n" + _base("malformed-line") + "Subject: lees mij\n"
            ),
            subject="lees mij",
            from_address="anna@visitor.example",
            body_contains=("Tekst.",),
            problem_contains="malformed header line",
        ),
        Case(
            "empty text/plain beside HTML",
            _alternative("\n", "<p>Ik durf het <b>niet</b> te zeggen.</p>"),
            body_contains=("Ik durf het niet te zeggen.",),
        ),
        Case(
            "text plus HTML alternative: one version shown",
            _alternative("Eerst de tekst.\n", "<p>Eerst de <i>tekst</i>.</p>"),
            body_contains=("Eerst de tekst.",),
        ),
    ]


CASES_RAW_SIMPLE = message(_base("simple") + "Subject: gewoon\n")
