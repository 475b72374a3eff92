"""Unlabelled mail text read right: the product's charset reading against charset-normalizer
alone (the baseline, run on the same bytes in the same run) and chardetng alone.

Texts: tests/mail/charset_samples.json (shared with the tests), help-seeking sentences written
for this (no real people), each encoded in the legacy charsets mail in its language used and
cut at 20 to 400 characters; and windows-1252 slices of 12 to 80 characters of the Western
European ones, which the product must keep reading as windows-1252. A text counts as read right
only when it comes out exactly as written. Usage: python bench/charsets.py. Last line: one JSON
object.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from chardetng_py import detect
from charset_normalizer import from_bytes

from helpline_core.mail.charsets import decode_body

SAMPLES = Path(__file__).parents[1] / "tests" / "mail" / "charset_samples.json"
LENGTHS = (20, 40, 80, 160, 400)
SLICES = (12, 20, 30, 50, 80)
WESTERN = {"nl", "fr", "de", "es", "pt"}


def _normalizer(data: bytes) -> str:
    best = from_bytes(data).best()
    return data.decode(str(best.encoding), "replace") if best is not None else ""


def _chardetng(data: bytes) -> str:
    try:
        return data.decode(detect(data, allow_utf8=False), "replace")
    except LookupError:
        return ""


def _product(data: bytes) -> str:
    return decode_body(data, None).text


READERS: dict[str, Callable[[bytes], str]] = {
    "charset-normalizer": _normalizer,
    "chardetng": _chardetng,
    "product": _product,
}


def _cases() -> Iterator[tuple[str, str, bytes]]:
    """(set, text, bytes) for every text, charset and cut that is not plain ASCII."""
    samples = json.loads(SAMPLES.read_text(encoding="utf-8"))
    for sample in samples["texts"]:
        for charset in sample["charsets"]:
            for length in LENGTHS:
                cut = sample["text"][:length]
                try:
                    data = cut.encode(charset)
                except UnicodeEncodeError:
                    continue
                if not data.isascii():
                    yield "all languages", cut, data
    western = [s["text"] for s in samples["texts"] if s["language"] in WESTERN]
    for text in western + [s["text"] for s in samples["western"]]:
        for length in SLICES:
            for start in range(0, len(text) - length, 7):
                data = text[start : start + length].encode("cp1252", "replace")
                if not data.isascii():
                    yield "western slices", data.decode("cp1252"), data


def main() -> None:
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[str] = Counter()
    for group, text, data in _cases():
        total[group] += 1
        for name, reader in READERS.items():
            right[(group, name)] += reader(data) == text
    figures: dict[str, object] = {}
    for group in total:
        print(f"{group}: {total[group]} texts")
        for name in READERS:
            print(f"  {name:20} {right[(group, name)]:4} right")
        base = right[(group, "charset-normalizer")] or 1
        key = group.replace(" ", "_")
        figures[f"{key}_texts"] = total[group]
        figures[f"{key}_product_right"] = right[(group, "product")]
        figures[f"{key}_baseline_right"] = right[(group, "charset-normalizer")]
        figures[f"{key}_ratio"] = round(right[(group, "product")] / base, 3)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
