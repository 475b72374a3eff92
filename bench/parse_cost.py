"""Hostile mail against ordinary mail of the same size: the time to parse each, as a ratio.

One sender must not hold up a team's mailbox (docs/email.md, "Bounded parsing time"): a
message made to be slow to parse (deep HTML nesting, a flood of tags, thousands of parameters
or parts) should cost about what an ordinary message of its size costs. The baseline is a
plain-text message of the same number of bytes, parsed in the same run. Usage:
python bench/parse_cost.py. Last line: one JSON object.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from helpline_core.config import MailSettings
from helpline_core.mail.parse import parse_message

HEAD = (
    "From: Anna <anna@example.org>\r\nTo: hulp@helpline.example\r\nSubject: x\r\n"
    "Message-ID: <bench@example.org>\r\nMIME-Version: 1.0\r\n"
)


def html(body: str) -> bytes:
    return (HEAD + "Content-Type: text/html; charset=utf-8\r\n\r\n" + body).encode()


def hostile() -> dict[str, bytes]:
    params = "".join(f';\r\n p{n}="v{n}"' for n in range(24_000))
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\nx{n}\r\n" for n in range(20_000))
    return {
        "nested lists 400 KB": html("<ul><li>" * 25_000 + "tekst" + "</li></ul>" * 25_000),
        "nested divs 2 MB": html("<div>" * 400_000 + "tekst"),
        "10 MB of <br>": html("<br>" * 2_500_000),
        "24,000 parameters": (
            HEAD + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            f"--b\r\nContent-Type: text/plain{params}\r\n\r\nhallo\r\n--b--\r\n"
        ).encode(),
        "20,000 parts": (
            HEAD + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + "--b--\r\n"
        ).encode(),
    }


def ordinary(size: int) -> bytes:
    line = "Ik weet niet meer wat ik moet doen, mijn vriend slaat me soms. " * 2 + "\r\n"
    body = line * (size // len(line) + 1)
    return (HEAD + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()[:size]


def seconds(parse: Callable[[], object]) -> float:
    start = time.perf_counter()
    parse()
    return time.perf_counter() - start


def main() -> None:
    limits = MailSettings()
    figures: dict[str, float] = {}
    for name, raw in hostile().items():
        took = seconds(lambda raw=raw: parse_message(raw, limits))
        base = seconds(lambda raw=raw: parse_message(ordinary(len(raw)), limits))
        ratio = took / base if base else float("inf")
        figures[name] = round(ratio, 1)
        print(
            f"{name:22} {len(raw):>10,} bytes  {took:6.2f} s  ordinary {base:5.2f} s  x{ratio:.1f}"
        )
    print(json.dumps({"ratio_to_ordinary_mail": figures, "worst": max(figures.values())}))


if __name__ == "__main__":
    main()
